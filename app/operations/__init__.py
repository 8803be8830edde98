"""Running the site: backups that are restored, and the retention job."""
