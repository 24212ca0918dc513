"""retailCRM API v5 (seed 002): Ringside as the CRM's telephony peer."""
