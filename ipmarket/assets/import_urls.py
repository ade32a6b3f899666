urlpatterns = []  # the CSV import pages go here
