"""The call card: who is calling, from every CRM, and what can be done from it."""
