"""French vocabulary for the generated corpus.

Real words and phrases of the field (associations, collectivités, tiers-lieux…),
assembled by `bench.corpus` into titles, pitches, descriptions and answers. Each
theme has its own projects and activities, so that a search such as « jardin
partagé » or « économie solidaire » finds a realistic share of the fiches rather
than all or none of them.
"""

# Per theme: projects (title head, no article), activities (verb phrases), topical words.
THEMES = {
    "numerique": {
        "projects": [
            "Fablab associatif", "Atelier d'initiation au numérique", "Point d'accès public à internet",
            "Repair café informatique", "Café numérique", "Médiation numérique itinérante",
            "Cartopartie OpenStreetMap", "Wiki de territoire", "Atelier de logiciels libres",
            "Espace public numérique", "Permanence numérique", "Bus numérique",
            "Atelier de programmation pour les enfants", "Web radio de quartier",
        ],
        "activities": [
            "accompagner les habitants dans leurs démarches en ligne",
            "initier les seniors à la tablette et au smartphone",
            "installer des logiciels libres sur des ordinateurs reconditionnés",
            "apprendre à coder en s'amusant", "cartographier les commerces et services de la commune",
            "écrire ensemble un wiki sur le patrimoine local", "réduire la fracture numérique",
            "former des médiateurs numériques bénévoles", "partager des savoirs numériques",
            "imprimer en 3D des pièces de rechange", "créer un site web pour les associations",
        ],
        "words": [
            "numérique", "ordinateurs", "internet", "logiciels libres", "données ouvertes", "tablettes",
            "imprimante 3D", "médiation numérique", "wiki", "cartographie", "code", "réseau",
        ],
    },
    "solidarites": {
        "projects": [
            "Épicerie solidaire", "Réseau d'entraide entre voisins", "Accueil de jour", "Vestiboutique",
            "Banque alimentaire de quartier", "Maraude solidaire", "Colocation solidaire",
            "Permanence d'accès aux droits", "Transport solidaire", "Bricothèque solidaire",
        ],
        "activities": [
            "rompre l'isolement des personnes âgées", "accueillir les personnes en situation de précarité",
            "proposer des produits à petit prix", "organiser des visites de convivialité",
            "accompagner les familles dans leurs démarches", "partager un repas chaque semaine",
            "prêter des outils entre voisins", "lutter contre la précarité énergétique",
        ],
        "words": [
            "solidarité", "entraide", "précarité", "isolement", "bénévoles", "accueil", "dignité",
            "accès aux droits", "voisinage", "convivialité",
        ],
    },
    "citoyennete-participation": {
        "projects": [
            "Conseil citoyen", "Budget participatif", "Conseil municipal des jeunes", "Assemblée de quartier",
            "Marche exploratoire", "Diagnostic en marchant", "Atelier de concertation",
            "Journal de quartier", "Comité d'usagers", "Forum ouvert",
        ],
        "activities": [
            "associer les habitants aux décisions de la commune", "débattre des projets du quartier",
            "proposer et voter des projets d'intérêt général", "donner la parole aux jeunes",
            "réaménager une place avec ses usagers", "faire remonter les besoins des habitants",
            "co-construire les politiques publiques",
        ],
        "words": [
            "citoyenneté", "participation", "concertation", "démocratie locale", "habitants", "quartier",
            "débat", "vote", "élus", "pouvoir d'agir",
        ],
    },
    "education-populaire": {
        "projects": [
            "Université populaire", "Atelier d'écriture", "Café philo", "Ludothèque itinérante",
            "Accompagnement à la scolarité", "Atelier sociolinguistique", "Chantier de jeunes",
            "Club de lecture", "Formation d'animateurs", "Réseau d'échanges réciproques de savoirs",
        ],
        "activities": [
            "apprendre les uns des autres", "partager des savoirs entre habitants",
            "aider les enfants à faire leurs devoirs", "apprendre le français autour d'un café",
            "former des animateurs bénévoles", "débattre d'un sujet de société chaque mois",
            "jouer en famille", "écrire et publier des textes collectifs",
        ],
        "words": [
            "éducation populaire", "savoirs", "apprentissage", "formation", "animation", "lecture",
            "jeux", "écriture", "émancipation", "esprit critique",
        ],
    },
    "services-publics": {
        "projects": [
            "Maison France services", "Guichet unique", "Médiathèque hors les murs", "Agence postale communale",
            "Permanence mobile des services publics", "Bibliothèque de rue", "Relais petite enfance",
            "Accueil partagé en mairie",
        ],
        "activities": [
            "rapprocher les services publics des habitants", "simplifier les démarches administratives",
            "ouvrir la médiathèque le dimanche", "aller à la rencontre des habitants des hameaux",
            "mutualiser l'accueil entre plusieurs communes", "améliorer l'accueil des usagers",
        ],
        "words": [
            "service public", "mairie", "usagers", "démarches", "médiathèque", "accueil", "proximité",
            "intercommunalité", "agents",
        ],
    },
    "economie-sociale-solidaire": {
        "projects": [
            "Coopérative d'activité et d'emploi", "Monnaie locale complémentaire", "Tiers-lieu coopératif",
            "Pôle de l'économie sociale et solidaire", "Café associatif", "Épicerie coopérative",
            "Couveuse d'entreprises", "Société coopérative d'intérêt collectif", "Ressourcerie",
            "Magasin de producteurs",
        ],
        "activities": [
            "développer l'économie sociale et solidaire sur le territoire",
            "créer des emplois non délocalisables", "faire circuler une monnaie locale",
            "accompagner les porteurs de projets de l'économie solidaire",
            "mutualiser des locaux et des outils", "soutenir les circuits courts",
            "réemployer les objets plutôt que de les jeter",
        ],
        "words": [
            "économie sociale et solidaire", "coopérative", "sociétaires", "emploi", "circuits courts",
            "tiers-lieu", "mutualisation", "économie locale", "réemploi", "gouvernance partagée",
        ],
    },
    "developpement-durable": {
        "projects": [
            "Jardin partagé", "Repair café", "Composteur collectif", "Habitat participatif",
            "Défi familles à énergie positive", "Grainothèque", "Coopérative citoyenne d'énergie",
            "Zéro déchet en famille", "Verger partagé", "Nettoyage citoyen des plages",
        ],
        "activities": [
            "jardiner ensemble au pied des immeubles", "réparer plutôt que jeter",
            "composter les déchets de cuisine", "produire une énergie renouvelable et locale",
            "réduire ses déchets", "échanger des graines et des plants",
            "protéger le littoral et la biodiversité", "économiser l'énergie à la maison",
        ],
        "words": [
            "développement durable", "environnement", "biodiversité", "déchets", "énergie", "climat",
            "jardin", "compost", "transition écologique", "sobriété",
        ],
    },
    "culture-arts": {
        "projects": [
            "Festival de quartier", "Résidence d'artistes", "Chorale intergénérationnelle", "Fest-noz solidaire",
            "Atelier de théâtre", "Galerie éphémère", "Orchestre à l'école", "Cinéma itinérant",
            "Fresque participative", "Bagad des jeunes",
        ],
        "activities": [
            "faire découvrir la culture bretonne", "créer un spectacle avec les habitants",
            "peindre une fresque avec les enfants du quartier", "chanter ensemble chaque semaine",
            "projeter des films dans les salles des fêtes", "accueillir des artistes en résidence",
        ],
        "words": [
            "culture", "artistes", "spectacle", "musique", "théâtre", "danse", "création", "festival",
            "langue bretonne", "patrimoine vivant",
        ],
    },
    "design-creativite": {
        "projects": [
            "Laboratoire d'innovation publique", "Atelier de design de services", "Hackathon citoyen",
            "Atelier de prototypage", "Résidence de designers en mairie", "Living lab",
        ],
        "activities": [
            "imaginer de nouveaux services avec leurs usagers", "prototyper des idées en deux jours",
            "repenser l'accueil de la mairie avec les agents", "tester des solutions avant de les déployer",
            "animer des ateliers créatifs",
        ],
        "words": [
            "design", "créativité", "prototype", "usagers", "idées", "expérimentation", "innovation",
            "atelier", "co-conception",
        ],
    },
    "insertion": {
        "projects": [
            "Chantier d'insertion", "Garage solidaire", "Atelier vélo d'insertion", "Entreprise d'insertion",
            "Auto-école sociale", "Recyclerie d'insertion", "Parcours vers l'emploi",
        ],
        "activities": [
            "remettre le pied à l'étrier à des personnes éloignées de l'emploi",
            "former aux métiers du bâtiment", "réparer des vélos et former des mécaniciens",
            "passer le permis de conduire à petit prix", "accompagner vers un emploi durable",
        ],
        "words": [
            "insertion", "emploi", "formation", "accompagnement", "salariés en insertion", "chantier",
            "métiers", "compétences",
        ],
    },
    "solidarite-internationale": {
        "projects": [
            "Jumelage solidaire", "Échange scolaire international", "Accueil de familles exilées",
            "Festival des solidarités", "Chantier de jeunes à l'étranger", "Cours de français pour les exilés",
        ],
        "activities": [
            "accueillir des familles exilées", "échanger avec une école du Sénégal",
            "soutenir des projets de développement", "faire découvrir d'autres cultures",
            "accompagner les jeunes vers un engagement international",
        ],
        "words": [
            "solidarité internationale", "exilés", "jumelage", "coopération", "échanges", "accueil",
            "interculturel", "monde",
        ],
    },
    "intergeneration": {
        "projects": [
            "Rencontres entre écoliers et résidents", "Colocation intergénérationnelle", "Jardin des générations",
            "Atelier tricot et numérique", "Cuisine des grands-mères", "Mémoire des anciens",
        ],
        "activities": [
            "faire se rencontrer les générations", "loger un étudiant chez une personne âgée",
            "jardiner avec les résidents de l'EHPAD", "transmettre les recettes d'autrefois",
            "recueillir les souvenirs des anciens",
        ],
        "words": [
            "générations", "personnes âgées", "enfants", "transmission", "résidents", "EHPAD", "mémoire",
            "lien social",
        ],
    },
    "patrimoine": {
        "projects": [
            "Inventaire participatif du patrimoine", "Restauration d'une chapelle", "Sentier du patrimoine",
            "Collecte de mémoire orale", "Musée de pays", "Sauvegarde d'un lavoir", "Archives de quartier",
        ],
        "activities": [
            "restaurer le petit patrimoine de la commune", "collecter la mémoire des anciens",
            "baliser un sentier de découverte", "numériser des photographies anciennes",
            "faire visiter une chapelle", "raconter l'histoire de la reconstruction",
        ],
        "words": [
            "patrimoine", "mémoire", "histoire", "chapelle", "lavoir", "archives", "reconstruction",
            "photographies anciennes", "bâti",
        ],
    },
    "alimentation": {
        "projects": [
            "Jardin partagé", "AMAP", "Cuisine collective", "Épicerie vrac", "Cantine bio et locale",
            "Jardins familiaux", "Légumerie solidaire", "Potager pédagogique", "Frigo solidaire",
        ],
        "activities": [
            "cultiver des légumes au jardin partagé", "distribuer des paniers de légumes bio",
            "cuisiner ensemble des produits locaux", "servir des repas bio à la cantine",
            "lutter contre le gaspillage alimentaire", "soutenir les paysans du territoire",
        ],
        "words": [
            "alimentation", "légumes", "producteurs", "bio", "circuits courts", "jardin", "cuisine",
            "gaspillage", "paysans", "potager",
        ],
    },
    "mobilite": {
        "projects": [
            "Autopartage entre voisins", "Vélo-école", "Covoiturage rural", "Atelier d'autoréparation de vélos",
            "Pédibus", "Transport à la demande", "Location de vélos électriques",
        ],
        "activities": [
            "se déplacer sans voiture", "apprendre à faire du vélo en ville",
            "organiser le covoiturage vers la gare", "accompagner les enfants à pied à l'école",
            "partager des voitures entre habitants", "réparer son vélo soi-même",
        ],
        "words": [
            "mobilité", "vélo", "covoiturage", "transports", "déplacements", "autopartage", "gare",
            "voiture",
        ],
    },
}

# Relative popularity of the themes (the share of fiches carrying each).
THEME_WEIGHTS = {
    "numerique": 12, "solidarites": 12, "citoyennete-participation": 9, "education-populaire": 9,
    "services-publics": 5, "economie-sociale-solidaire": 9, "developpement-durable": 10,
    "culture-arts": 9, "design-creativite": 3, "insertion": 6, "solidarite-internationale": 3,
    "intergeneration": 5, "patrimoine": 5, "alimentation": 7, "mobilite": 5,
}

CARRIER_WEIGHTS = {
    "association": 50, "service-public": 8, "collectivite": 12, "entreprise": 5, "cooperative": 6,
    "collectif-habitants": 9, "etablissement-scolaire": 5, "autre": 2, None: 3,
}
STATUS_WEIGHTS = {"idee": 8, "demarrage": 15, "en-cours": 60, "terminee": 17}

CARRIER_PREFIXES = [
    "Association", "Collectif", "Amicale", "Comité", "Centre social", "Maison de quartier", "Coopérative",
    "Union", "Foyer", "Réseau", "Les Amis de", "Compagnie",
]
CARRIER_NAMES = [
    "Liens d'âges", "Ti Kreiz", "Bro Leon", "Les Petits Débrouillards", "Vivre ensemble", "Horizons",
    "Penn ar Bed", "Les Abers", "Kerhorre", "Le Goéland", "Les Mouettes", "Keravel", "Ar Vro", "Avel Vor",
    "Les Hortensias", "Mor Braz", "Bleunioù", "Les Genêts", "Dihun", "Ajoncs d'or", "Kreiz Breizh",
    "La Fourmilière", "L'Escale", "La Passerelle", "Le Lien", "Le Phare", "Tamm ha tamm",
]

PUBLICS = [
    "les habitants du quartier", "les familles", "les jeunes de 12 à 25 ans", "les personnes âgées",
    "les demandeurs d'emploi", "les enfants de l'école", "les bénévoles", "les agriculteurs",
    "les personnes en situation de handicap", "les étudiants", "les parents", "les commerçants",
    "les associations de la commune", "les élus et les agents", "les retraités", "les nouveaux arrivants",
]
PLACES = [
    "à la salle des fêtes", "au centre social", "dans la cour de l'école", "à la médiathèque",
    "au pied des immeubles", "dans un ancien corps de ferme", "sur la place du marché", "au local associatif",
    "dans une ancienne chapelle", "à la maison de quartier", "dans les locaux de la mairie", "sur le port",
    "au bord de l'aber", "dans un tiers-lieu", "à la maison des associations",
]
FREQUENCIES = [
    "chaque semaine", "tous les quinze jours", "un samedi par mois", "chaque mercredi après-midi",
    "pendant les vacances scolaires", "deux soirs par semaine", "tous les jeudis", "une fois par trimestre",
    "chaque dimanche matin", "toute l'année",
]
PARTNERS = [
    "la commune", "le centre communal d'action sociale", "le conseil départemental du Finistère",
    "la région Bretagne", "la caisse d'allocations familiales", "la médiathèque", "le collège",
    "l'école primaire", "une fondation d'entreprise", "les commerçants du bourg", "un bailleur social",
    "la communauté de communes", "l'office de tourisme", "un lycée agricole", "l'agence régionale de santé",
    "plusieurs associations du quartier", "la mission locale", "un réseau de tiers-lieux",
]
MEANS = [
    "une salariée à mi-temps", "une dizaine de bénévoles", "deux services civiques", "un local prêté par la commune",
    "un budget annuel de {n} euros", "une subvention de fonctionnement", "du matériel de récupération",
    "un camion aménagé", "un financement participatif", "des adhésions à prix libre",
]
OUTCOMES = [
    "les participants reviennent d'une année sur l'autre", "de nouveaux liens se sont créés dans le quartier",
    "plusieurs communes voisines ont repris l'idée", "le nombre de bénévoles a doublé",
    "des habitants qui ne se parlaient pas travaillent désormais ensemble",
    "la fréquentation a augmenté régulièrement", "le projet a trouvé son équilibre économique",
    "les jeunes ont pris des responsabilités dans l'association",
]
DIFFICULTIES = [
    "trouver un local adapté", "garder les bénévoles dans la durée", "obtenir des financements pérennes",
    "toucher les personnes les plus isolées", "se faire connaître au-delà du cercle des habitués",
    "concilier les horaires de chacun", "faire accepter le projet par les voisins",
    "tenir les comptes et les démarches administratives",
]
ADVICE = [
    "commencer petit et avancer pas à pas", "associer les habitants dès le départ",
    "s'appuyer sur les partenaires existants", "prendre le temps de l'évaluation",
    "documenter chaque étape pour transmettre", "fêter les réussites, même modestes",
    "partager les tâches pour ne pas épuiser les bénévoles", "rester ouvert aux idées nouvelles",
]
GENERIC_WORDS = [
    "projet", "habitants", "territoire", "partage", "rencontre", "convivialité", "confiance", "réseau",
    "collectif", "engagement", "initiative", "quartier", "commune", "bourg", "ensemble", "ouverture",
]
STREETS = [
    "rue de Siam", "rue Jean Jaurès", "rue de la Mairie", "place de l'Église", "rue du Port", "route de Brest",
    "rue des Écoles", "impasse des Ajoncs", "rue de Kerhallet", "chemin du Moulin", "rue de la Gare",
    "allée des Tilleuls", "rue du Stade", "rue de Kervern", "quai de la Douane", "rue Victor Hugo",
    "rue de Pontaniou", "rue Anatole France", "rue de la Fontaine", "venelle du Lavoir",
]

# Sentence templates, by role. Slots: {project} {activity} {public} {place} {frequency}
# {partner} {partner2} {means} {outcome} {difficulty} {advice} {word} {word2} {commune} {year} {n}.
PITCHES = [
    "{project_lc} pour {activity} à {commune}, {frequency}.",
    "À {commune}, {public} se retrouvent {frequency} {place} pour {activity}.",
    "Depuis {year}, {carrier} propose à {public} de {activity}.",
    "Un projet pour {activity} avec {public}, porté avec {partner}.",
]
DESCRIPTION = [
    "{project_cap} réunit {public} {frequency} {place}.",
    "L'idée est simple : {activity}, avec {public} et {partner}.",
    "Le projet est né en {year}, à l'initiative de {public}.",
    "Au fil des années, {outcome}.",
    "On y parle de {word}, de {word2} et de {gword}.",
    "Chaque participant peut proposer une activité, et les décisions sont prises ensemble.",
    "Les rencontres ont lieu {place}, {frequency}, et sont ouvertes à tous.",
    "Le projet s'appuie sur {means} et sur le soutien de {partner}.",
    "Le but est aussi de {activity2}.",
    "Aujourd'hui, près de {n} personnes y participent.",
]
ANSWERS = {
    "origine": [
        "Tout est parti d'une rencontre entre {public} et {partner}, en {year}.",
        "Le constat de départ : personne ne proposait de {activity} à {commune}.",
        "Quelques habitants ont voulu {activity}, et ont réuni une première équipe.",
        "Un premier essai {place} a montré qu'il y avait une vraie attente.",
    ],
    "fonctionnement": [
        "Les activités ont lieu {frequency} {place}.",
        "Une équipe de bénévoles prépare les séances et accueille {public}.",
        "Chacun vient avec ses savoirs : on apprend à {activity} en faisant.",
        "Un petit comité se réunit {frequency2} pour organiser la suite.",
    ],
    "moyens": [
        "Le projet repose sur {means} et {means2}.",
        "Le budget, d'environ {n} euros par an, est couvert par {partner}.",
        "Le matériel a été en partie donné par {partner}.",
    ],
    "partenaires": [
        "{partner_cap} apporte un soutien financier, {partner2} relaie auprès de {public}.",
        "Nous travaillons avec {partner} et {partner2}.",
        "Le partenariat avec {partner} a permis de {activity}.",
    ],
    "difficultes": [
        "La principale difficulté a été de {difficulty}.",
        "Il a fallu du temps pour {difficulty} ; nous avons changé d'horaires et de lieu.",
        "Nous avons appris à {advice}, après une première année difficile.",
    ],
    "reproduire": [
        "Il faut un lieu accessible, une personne référente et le soutien de {partner}.",
        "L'essentiel est de {advice} et de trouver {means}.",
        "Le projet peut être reproduit dans toute commune où {public} souhaitent {activity}.",
    ],
    "conseils": [
        "Notre conseil : {advice}.",
        "N'hésitez pas à {advice}, et à venir nous voir {place}.",
        "Pensez à {advice} : c'est ce qui a fait la différence pour nous.",
    ],
}
