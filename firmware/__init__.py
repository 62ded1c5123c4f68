"""What every appliance shares: the device agent, its enrolment bundle, discovery, boot units."""
