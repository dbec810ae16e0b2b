"""What an operator watches: metrics (``metrics``) and structured, secret-free logs (``logs``)."""
