# Subscriptions, invoices and add-ons arrive with the billing work; plans live in plans.py.
