"""Live calls on Asterisk: AsyncAGI driven over the Asterisk Manager Interface (AMI)."""
