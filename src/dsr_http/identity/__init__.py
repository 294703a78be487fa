"""Who a signed-in user is: an identity provider's claims mapped to a dsr role and areas."""
