"""Trade leads: buyers' inquiries and order requests, quotations, lead scores and compiled order-lead reports."""
