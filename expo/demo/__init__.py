"""The demo: an edition with pavilions, forums, exhibitors, products in several languages and a month
of activity (``seed``, ``exhibitors``, ``translations``, ``images``, ``activity``), and the volume
generator the benchmarks and load tests fill a database with (``volume``)."""
