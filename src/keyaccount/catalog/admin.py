"""Records are edited in the Keyaccount UI through services (audited); the admin is for users and teams."""
