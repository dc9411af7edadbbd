# Django's Bulgarian formats have no short date-time format (it would fall back to the American one) and do not
# group thousands ("1 170 280,00" is how Bulgarian amounts are written).
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
NUMBER_GROUPING = 3
