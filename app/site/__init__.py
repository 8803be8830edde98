"""The site: joins the domains. The home page and the compound's home with the to-do list, the
compound's list of places, the demo seeding of every domain, and the label registry. It may
import any domain; no domain imports it."""
