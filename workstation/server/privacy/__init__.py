"""Personal data over its whole life: retention as the rule packs say (``retention``), legal
holds that stop it, and a customer's own copy of what is held about them (``export``)."""
