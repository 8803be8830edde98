"""Trust-model property books (信托制物业): budget against actual, disputed lines and
annual accounts (issue 16)."""
