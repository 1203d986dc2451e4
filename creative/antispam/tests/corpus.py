"""Texts for the anti-spam tests: what people of the pays de Brest write, and what spammers do.

The 2013 spam paragraph is in data/spam-2013.txt, copied from the last paragraph of the
original wiki page (/work/shared/seed/brest-creative-2013.txt) that it vandalised.
"""

from pathlib import Path

SEED_SPAM = (Path(__file__).parent / "data" / "spam-2013.txt").read_text(encoding="utf-8").strip()

# Ordinary texts about local projects: none of them may be held, even from a new account.
ORDINARY_TEXTS = [
    # 0 — repair café
    "Le repair café de Bellevue a lieu le premier samedi du mois à la maison de quartier. Des bénévoles "
    "réparent avec vous grille-pain, vélos, ordinateurs et vêtements : on apprend à faire soi-même au lieu "
    "de jeter. L'entrée est libre, le café est offert.",
    # 1 — jardin partagé, with one link
    "Notre jardin partagé de Kerinou est né en 2016 d'une envie des habitants de la rue de cultiver ensemble. "
    "Chaque famille a une parcelle, et une parcelle collective nourrit l'épicerie du quartier. Le planning des "
    "arrosages est sur https://jardin-kerinou.example.org/planning pour que personne ne s'épuise l'été.",
    # 2 — fablab, two links in Markdown
    "Le fablab des Fourneaux ouvre ses machines (imprimantes 3D, découpe laser, brodeuse numérique) aux "
    "associations du pays de Brest. Les open labs du mardi soir sont gratuits ; pour les formations, voir "
    "[le calendrier](https://fablab.example.org/agenda) et [la charte des usagers](https://fablab.example.org/charte).",
    # 3 — épicerie solidaire
    "L'épicerie solidaire de Landerneau propose des produits à 10 % ou 30 % du prix habituel aux familles "
    "orientées par le CCAS. Mais c'est aussi un lieu de rencontre : ateliers cuisine, café des parents, "
    "sorties à la plage de Plougastel-Daoulas l'été.",
    # 4 — cartes participatives (Plouarzel, as in the 2013 page)
    "À Plouarzel, les habitants ont dessiné ensemble la carte des chemins creux et des lavoirs de la commune. "
    "Les anciens racontent, les enfants de l'école photographient, et tout est publié sous licence libre pour "
    "que d'autres communes puissent reprendre la démarche.",
    # 5 — intergénération, with English words
    "Le dispositif Intergénération réunit depuis sept ans des retraités et des collégiens de Saint-Renan "
    "autour du numérique. Les jeunes montrent comment faire un selfie ou partager un album en ligne ; les "
    "anciens apprennent aux jeunes le breton et la pêche à pied. Un vrai win-win, disent-ils en riant.",
    # 6 — médiablog coopératif, one link
    "Le médiablog coopératif permet aux associations du quartier de publier leurs articles sans passer par "
    "un webmaster. Une rédactrice accompagne les nouveaux venus lors d'un atelier d'écriture publique chaque "
    "jeudi. Les articles les plus lus parlent de la vie locale : https://mediablog.example.org",
    # 7 — Breton place names, co-voiturage
    "Entre Lannilis, Plouguerneau et Landéda, un groupe de voisins organise le covoiturage vers Brest pour "
    "les personnes sans voiture. Les trajets sont notés sur un tableau à la boulangerie de Lilia et sur un "
    "groupe de messagerie ; les conducteurs sont défrayés au kilomètre.",
    # 8 — ressourcerie, prix libre
    "La ressourcerie de Guipavas collecte les objets dont vous ne voulez plus, les répare et les revend à "
    "petit prix. Les bénéfices financent deux emplois en insertion. Vous pouvez déposer meubles et vaisselle "
    "du mardi au samedi, sauf les jours fériés.",
    # 9 — café des langues, with Breton and English
    "Au café des langues du Vauban, on parle breton, anglais, espagnol ou arabe autour d'un thé. "
    "« Degemer mat ! » dit l'affiche à l'entrée. Les étudiants Erasmus viennent pour le small talk, les "
    "bretonnants pour transmettre la langue, et tout le monde repart avec de nouveaux amis.",
    # 10 — AMAP, with "commandez"
    "L'AMAP du Relecq-Kerhuon distribue chaque jeudi les paniers de légumes de deux maraîchers bio de "
    "Plabennec. Les adhérents signent un contrat pour la saison et donnent un coup de main à la ferme deux "
    "fois par an. Commandez aussi du pain et des œufs auprès des producteurs associés.",
    # 11 — numérique, acronyms
    "Le PAPI (point d'accès public à internet) de la médiathèque accompagne les démarches en ligne : CAF, "
    "Pôle emploi, impôts. Deux conseillers numériques et des bénévoles de l'ESS reçoivent sans rendez-vous le "
    "mercredi après-midi. Les imprimantes sont gratuites pour les demandeurs d'emploi.",
    # 12 — coffre-fort numérique (a real social innovation: must not look like the 2013 spam)
    "Avec le CCAS, l'association propose un coffre-fort numérique solidaire aux personnes sans domicile : "
    "leurs papiers d'identité, fiches de paie et attestations sont scannés et gardés en sécurité. Le "
    "coffre-fort numérique évite de tout perdre lors d'une expulsion ou d'un vol.",
    # 13 — vélo, two links
    "L'atelier vélo participatif de Quimper et celui de Brest échangent leurs pièces détachées. Venez "
    "apprendre à régler vos freins ou changer une chambre à air, les outils sont là. Horaires sur "
    "https://velo-brest.example.org/horaires et adhésion sur https://www.helloasso.com/associations/velo-brest.",
    # 14 — long section of a fiche (code source)
    "Comment tout a commencé : en 2012, trois mères de famille de Pontanézen ont constaté que beaucoup "
    "d'enfants n'avaient pas accès aux vacances. Elles ont réuni la mairie de quartier, le centre social et "
    "deux associations sportives. Ce qu'il faut pour reproduire : un local, une personne salariée à mi-temps "
    "pour coordonner, et surtout du temps pour créer la confiance avec les familles. Les difficultés : "
    "trouver des bénévoles réguliers, et garder le financement d'une année sur l'autre.",
    # 15 — festival, numbers and punctuation
    "Le festival de la récup' revient les 14 et 15 juin au Fourneau ! Au programme : troc de plantes, "
    "disco-soupe, spectacles pour enfants, et un concours de sculptures en matériaux recyclés. Entrée "
    "gratuite, buvette et crêpes sur place.",
    # 16 — kayak and sea, Crozon
    "Sur la presqu'île de Crozon, le club de kayak propose des sorties adaptées aux personnes en situation "
    "de handicap, avec des bateaux doubles et des moniteurs formés. Le projet est né d'une rencontre avec "
    "l'IME de Morgat ; aujourd'hui vingt jeunes naviguent chaque semaine.",
]

# The other languages of the site.
BRETON_TEXT = (
    "Ar c'hafe yezhoù a vez dalc'het bep sizhun e ti ar vro e Brest. Degemer mat d'an holl, deskarded ha "
    "brezhonegerien a-vihanik : ur banne kafe, un tamm kaozeadenn, ha kalz a blijadur gant ar yezh. Ar re "
    "yaouank hag ar re gozh a zeu asambles evit komz ha kanañ e brezhoneg."
)
ENGLISH_TEXT = (
    "We are a small group of volunteers in Brest who run a weekly repair café. People bring broken lamps, "
    "bikes and clothes, and we fix them together so that nothing goes to waste. Everyone is welcome, and "
    "the coffee is on us."
)

# Spam in languages the site does not use.
GERMAN_SPAM = (
    "Kaufen Sie jetzt die besten Tresore zu unglaublich günstigen Preisen! Unsere feuerfesten Tresore "
    "schützen Ihre Wertsachen vor Einbruch und Feuer. Bestellen Sie noch heute und sparen Sie bis zu "
    "fünfzig Prozent bei kostenloser Lieferung nach Hause."
)
POLISH_SPAM = (
    "Najlepsze kasyno online w Polsce! Zarejestruj się dzisiaj i odbierz darmowe spiny oraz bonus powitalny "
    "bez depozytu. Wypłaty są szybkie, gry są uczciwe, a nasza obsługa klienta działa przez całą dobę."
)
RUSSIAN_SPAM = (
    "Лучшие сейфы и оружейные шкафы по самым низким ценам! Доставка по всей стране, гарантия качества и "
    "скидки для постоянных клиентов. Закажите прямо сейчас на нашем сайте."
)
