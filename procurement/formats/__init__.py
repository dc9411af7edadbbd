"""The site's own date formats where Django's locale lacks one (FORMAT_MODULE_PATH); every other format is Django's.

Templates write dates as |date:"SHORT_DATE_FORMAT" or "SHORT_DATETIME_FORMAT" so each language shows its own;
timestamps that are evidence (audit log, a screening's created/started/finished times) stay ISO 8601 in every
language.
"""
