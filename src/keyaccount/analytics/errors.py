class InputError(ValueError):
    """Input the analysis cannot use, with a message that names the column and the row."""
