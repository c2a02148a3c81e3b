"""``trustwell demo``: the pilot of the Data Trust Framework, built on disk and played as a story.

- :mod:`trustwell.demo.warehouse` builds the DuckDB warehouse and breaks its ad-spend feed;
- :mod:`trustwell.demo.scores` adds the churn model's scores and scores a batch on a broken input;
- :mod:`trustwell.demo.folder` writes the project files (templates in this package);
- :mod:`trustwell.demo.story` plays the steps and prints what trustwell caught;
- :mod:`trustwell.demo.story_incident` works the incident it opened, from the Commander's
  acknowledgement to resolution, the post-mortem draft and the metrics
  (:mod:`trustwell.demo.incident_facts` describes it);
- :mod:`trustwell.demo.story_model` tells the scores' drift, its incident and certificate;
- :mod:`trustwell.demo.state` holds what the steps share and the story's clock.
"""
