"""Default themes, kinds of carrier and code-source sections.

Created by migration 0003 and again after every `migrate` or test-database flush
(post_migrate), only where missing: editors' changes are never overwritten.
"""

from django.apps import apps as global_apps

THEMES = [
    ("numerique", "Numérique"),
    ("solidarites", "Solidarités"),
    ("citoyennete-participation", "Citoyenneté et participation des habitants"),
    ("education-populaire", "Éducation populaire"),
    ("services-publics", "Services publics"),
    ("economie-sociale-solidaire", "Économie sociale et solidaire"),
    ("developpement-durable", "Développement durable"),
    ("culture-arts", "Culture et arts"),
    ("design-creativite", "Design et créativité"),
    ("insertion", "Insertion"),
    ("solidarite-internationale", "Solidarité internationale"),
    ("intergeneration", "Intergénération"),
    ("patrimoine", "Patrimoine et mémoire"),
    ("alimentation", "Alimentation"),
    ("mobilite", "Mobilité"),
]

CARRIER_KINDS = [
    ("association", "Association"),
    ("service-public", "Service public"),
    ("collectivite", "Collectivité"),
    ("entreprise", "Entreprise"),
    ("cooperative", "Coopérative (SCOP, SCIC)"),
    ("collectif-habitants", "Collectif d'habitants"),
    ("etablissement-scolaire", "Établissement scolaire"),
    ("autre", "Autre"),
]

SECTIONS = [
    (
        "origine",
        "Comment est-ce né ?",
        "Racontez le point de départ : le besoin, l'envie ou la rencontre qui a tout lancé, et les premiers pas.",
        "En 2009, des parents d'élèves constatent que les personnes âgées du quartier ne croisent jamais les "
        "enfants de l'école…",
    ),
    (
        "fonctionnement",
        "Comment ça marche ?",
        "Décrivez une journée, une séance ou un cycle type : qui fait quoi, quand, où, avec quels outils.",
        "Chaque mardi, une classe de CM1 rejoint la résidence pour une heure d'atelier…",
    ),
    (
        "moyens",
        "Moyens humains, matériels et financiers",
        "Combien de personnes (salariées, bénévoles), quel matériel, quel budget et quels financements ?",
        "Deux animatrices à mi-temps, une dizaine de bénévoles, 4 000 € par an de la commune…",
    ),
    (
        "partenaires",
        "Partenaires",
        "Avec qui travaillez-vous, et qu'apporte chacun ?",
        "La médiathèque prête la salle, le centre social relaie auprès des familles…",
    ),
    (
        "difficultes",
        "Difficultés rencontrées et leçons",
        "Ce qui a coincé, ce que vous avez changé, ce que vous feriez autrement.",
        "La première année, personne ne venait le samedi : nous sommes passés au mercredi…",
    ),
    (
        "reproduire",
        "Conditions pour reproduire l'innovation",
        "Ce qu'il faut absolument réunir pour que cela marche ailleurs : lieu, personnes, soutiens, délais.",
        "Une salle accessible, une personne référente disponible, l'accord de la direction de l'école…",
    ),
    (
        "conseils",
        "Conseils à qui voudrait la reproduire",
        "Vos conseils d'ambassadeur ou d'ambassadrice : par où commencer, les pièges à éviter.",
        "Commencez petit, avec une seule classe, et invitez les familles dès la première séance…",
    ),
]


def seed_taxonomy(apps=global_apps, **kwargs):
    """Create the default rows that are missing (by slug). Safe to call any number of times."""
    Theme = apps.get_model("innovations", "Theme")
    CarrierKind = apps.get_model("innovations", "CarrierKind")
    Section = apps.get_model("innovations", "Section")
    for position, (slug, name) in enumerate(THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, name) in enumerate(CARRIER_KINDS):
        CarrierKind.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, title, help_text, example) in enumerate(SECTIONS):
        Section.objects.get_or_create(
            slug=slug, defaults={"title": title, "help_text": help_text, "example": example, "position": position}
        )


def seed_after_migrate(sender, apps=global_apps, **kwargs):
    try:
        apps.get_model("innovations", "Section")
    except LookupError:  # migrating backwards past the models
        return
    seed_taxonomy(apps)
