from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's wiring that needs an app: the `seed_demo` command, which composes every domain's demo
    data (each domain keeps its own seeding functions next to its models)."""

    name = "ipmarket.project"
    label = "project"
    verbose_name = "Project"
