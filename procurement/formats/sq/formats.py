# Django's Albanian formats have no short date-time format (it would fall back to the American one).
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
