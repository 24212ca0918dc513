"""FixDigital CRM (seed 003): Ringside as its call-centre peer."""
