# English as written in the European buyers' offices: ISO dates, a 24-hour clock.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
