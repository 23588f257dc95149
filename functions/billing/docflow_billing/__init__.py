"""The billing route group: Checkout and customer-portal sessions, the subscription and usage."""
