"""Issues (议题/诉求): raised by residents, seconded by households, discussed, handled."""
