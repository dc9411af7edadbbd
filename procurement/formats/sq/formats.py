# Django's Albanian formats have no short date-time format (it would fall back to the American one) and do not
# group thousands.
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
NUMBER_GROUPING = 3
