"""In-app notifications and following; outside senders (SMS, e-mail) plug in behind one
interface, with a logging sender by default."""
