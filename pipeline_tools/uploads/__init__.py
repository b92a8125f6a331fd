"""The uploads pipeline's built-in processor (module uploads): checks each uploaded object."""
