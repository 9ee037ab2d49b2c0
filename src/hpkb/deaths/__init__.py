"""Death investigations (inspection recommendation 2): records from the force and its
partners loaded, merged into deaths, counted over time, place and category, and searched
for spikes and possibly linked series; internal only."""
