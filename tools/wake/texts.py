"""What the training voices say: the wake phrase, its near misses, everyday speech.

Written for training only; the bench measures on other sentences (the dev set's
wake lines and chatter, the blind sets) said by held-out voices.
"""

from __future__ import annotations

POSITIVES = (
    "hey hearth",
    "hey hearth.",
    "hey, hearth",
    "hey hearth?",
    "hey hearth!",
    "hey... hearth",
    "hey hearth,",
    "hey, hearth.",
)
"""The wake phrase as it is said: punctuation changes the synthesisers' pauses and tune."""

ADVERSARIAL = (
    "hey heart", "hey earth", "hey harvey", "hearth", "hey there", "hey martha",
    "hey hart", "hey herb", "hey her", "hey hurt", "hey health", "hey harsh",
    "hey, hear this", "hey heather", "hey beth", "hey keith", "the hearth",
    "hey garth", "hey hearst", "hey birth", "hey worth", "hey fourth", "hayworth",
    "hey there herb", "hello heart", "a warm hearth", "hey hal", "hey hun", "hey hertha",
    "hey ethan", "hey, it's her turn", "hey, earth day", "hey darth", "hey hannah",
    "hey, heart of gold", "hey, hurry up", "heath", "hey heath", "hey hive", "hey hatch",
    "hey, he's here", "by the hearth", "have a heart", "hey hon, here", "hay bale",
    "hey mark", "hey sarah", "hey alexa", "hey siri", "okay google",
)  # fmt: skip
"""Near misses: the phrase's sounds in other words, other names, the hearth word alone."""

EVERYDAY = (
    "can you turn the oven off in ten minutes",
    "we're going to grandma's on saturday",
    "put the lid back on the paint",
    "have you seen my phone charger anywhere",
    "the washing machine is making that noise again",
    "finish your toast, the bus is coming",
    "she said her tummy hurts a little",
    "i'll do the dishes if you do bath time",
    "what time is football practice tomorrow",
    "your lunch box is on the counter",
    "no more juice, have some water instead",
    "let's read one more chapter and then sleep",
    "the heating's on, close the door please",
    "where's the other wellington boot",
    "we need bread, eggs and bananas",
    "careful, the pan is still hot",
    "who left the tap running",
    "it's raining, grab your coat",
    "the baby finally went down at eight",
    "i think he's coming down with a cold",
    "tidy up the lego before dinner",
    "that was lovely, thank you sweetheart",
    "call your dad and tell him we're leaving",
    "the weather says sunny spells this afternoon",
    "are the potatoes done yet",
    "i'm so proud of how you shared today",
    "let me check the calendar for next week",
    "has anyone seen the remote",
    "the kettle's boiled, do you want tea",
    "here's your water bottle, don't lose it",
    "shoes off in the hallway please",
    "he had a great time at the party",
    "we'll go to the park after lunch",
    "that's the third time this week",
    "i need to email the school about the trip",
    "stop jumping on the sofa",
    "hold my hand when we cross the road",
    "and now the news at six o'clock",
    "tonight's episode is a real heartbreaker",
    "the hearts of the people are with them",
    "hurry up, we're late again",
    "hey you two, dinner's ready",
    "hey buddy, how was school",
    "hey, put that down",
    "there's a hair in my soup",
    "her heart wasn't in it today",
    "harvest festival is next thursday",
    "the earth goes around the sun",
    "happy birthday to you",
    "that's a healthy lunch, well done",
    "i heard the doorbell",
    "hey love, can you help me carry these",
    "he hurt his knee at the park",
    "hearty soup for a cold evening",
    "hey, have you heard about martha",
    "could you hear that thunder last night",
    "it's half past three already",
    "let's have a quiet afternoon",
    "the fire's warm, come and sit down",
    "our house is a very very fine house",
)  # fmt: skip
"""Everyday sentences and television talk, some with the phrase's sounds inside."""

FOLLOW_ONS = (
    "i need to talk",
    "are you there",
    "rough day today",
    "can i tell you something",
    "i feel so guilty",
    "i'm really tired",
    "what should i do",
    "just a quick one",
)
"""What may follow the wake phrase in a positive clip (a request starting)."""
