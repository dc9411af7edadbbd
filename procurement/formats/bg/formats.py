# Django's Bulgarian formats have no short date-time format (it would fall back to the American one).
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
