urlpatterns = []  # the Stripe webhook goes here
