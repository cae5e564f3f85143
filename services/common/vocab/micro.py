"""The platform's own coded lists for micro-volunteering, shared like the UK Volunteering
Data lists: the availability service validates against them and the volunteers service
words its emails with them. (The standard has no list of task types or training.)"""

from __future__ import annotations

# Short tasks a coordinator can ask for, in the Slivers-of-Time tradition.
TASK_TYPES: dict[str, str] = {
    "Shopping": "Shopping and errands",
    "Prescriptions": "Collecting prescriptions",
    "BefriendingCall": "Befriending phone or video call",
    "BefriendingVisit": "Befriending visit",
    "Lifts": "A lift to an appointment",
    "DogWalking": "Dog walking",
    "Gardening": "Gardening",
    "SmallRepairs": "Small repairs and odd jobs",
    "DigitalHelp": "Help with phones, computers or the internet",
    "FormFilling": "Help with letters and forms",
    "MealDelivery": "Delivering meals",
    "EventHelp": "Helping at an event",
    "Admin": "Office and admin help",
}

# Training a volunteer can record in their credentials wallet.
TRAINING_TYPES: dict[str, str] = {
    "SafeguardingAdults": "Safeguarding adults",
    "SafeguardingChildren": "Safeguarding children",
    "MovingAndHandling": "Moving and handling",
    "InfectionControl": "Infection control",
    "Confidentiality": "Confidentiality",
    "LoneWorking": "Lone working",
    "FirstAid": "First aid",
    "FoodHygiene": "Food hygiene",
}
