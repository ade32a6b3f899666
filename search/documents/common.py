from elasticsearch_dsl import Completion, Keyword, Text

# Chinese text: the built-in cjk analyzer (bigrams), plus a `std` subfield with the standard analyzer
# (single characters, Latin words), and a keyword subfield for exact names and sorting.


def chinese_text(**kwargs):
    return Text(
        analyzer="cjk",
        fields={"std": Text(analyzer="standard"), "raw": Keyword(ignore_above=256)},
        **kwargs,
    )


def suggest():
    """Autocomplete on the beginnings of names (inputs are given several starts per name)."""
    return Completion(analyzer="simple", preserve_separators=False, max_input_length=60)
