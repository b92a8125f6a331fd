"""Running the pipeline on a laptop: the local AWS emulator (moto server) and terraform setup."""
