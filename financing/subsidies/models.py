"""The programme's interest and premium subsidies."""
