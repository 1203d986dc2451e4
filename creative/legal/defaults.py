"""Default texts of the legal pages, for a platform run by an association.

Created by migration 0002 and again after every `migrate` or test-database flush
(post_migrate), only where missing: an administrator's text is never overwritten.
"{site}" is replaced by SITE_NAME when a page is created; each "[à compléter …]" is for the
operator to fill in (the admin warns while one is left).
"""

from django.apps import apps as global_apps
from django.conf import settings

MENTIONS = """\
## Éditeur du site

{site} est édité par **[à compléter : nom de l'association]**, association régie par la loi du
1er juillet 1901, déclarée sous le numéro **[à compléter : numéro RNA]**
(SIRET **[à compléter : numéro SIRET, s'il existe]**).

- Siège : [à compléter : adresse postale du siège]
- Contact : [à compléter : adresse électronique de contact]
- Téléphone : [à compléter : numéro de téléphone]

Directrice ou directeur de la publication : **[à compléter : nom, qualité (par exemple présidente
de l'association)]**.

## Hébergement

Le site est hébergé par **[à compléter : nom ou raison sociale de l'hébergeur]**,
[à compléter : adresse postale de l'hébergeur], [à compléter : téléphone de l'hébergeur].

## Contenus et licences

Les fiches d'innovation sont écrites par les personnes qui contribuent au site, accompagnées par
l'équipe éditoriale. Sauf mention contraire sur une fiche, elles sont publiées sous licence
[Creative Commons Attribution – Partage dans les mêmes conditions 4.0 International (CC BY-SA
4.0)](https://creativecommons.org/licenses/by-sa/4.0/deed.fr) : vous pouvez les copier, les
modifier et les republier en citant leurs auteurs, la fiche d'origine et la licence. Chaque fiche
propose un texte d'attribution à copier. Chaque image est publiée avec ses crédits et sa licence.

Le logiciel qui fait fonctionner le site est un logiciel libre, sous licence GNU Affero General
Public License version 3 ou ultérieure (AGPL-3.0-or-later).

Les fonds de carte viennent d'[OpenStreetMap](https://www.openstreetmap.org/copyright)
(© les contributeurs d'OpenStreetMap, données sous licence ODbL). Les données des communes et des
territoires viennent de sources publiques sous Licence Ouverte / Etalab.

## Signaler un contenu

Si un contenu vous semble illicite, inexact ou porte atteinte à vos droits, écrivez à
[à compléter : adresse électronique de contact] en indiquant l'adresse de la page et ce qui pose
problème. Nous répondons dans les meilleurs délais et retirons sans attendre un contenu
manifestement illicite.

## Données personnelles

Ce que nous gardons, pourquoi et comment le télécharger ou le supprimer est expliqué sur la page
[Confidentialité](/confidentialite/).
"""

CONDITIONS = """\
Ces conditions disent comment utiliser {site}, ce que vous acceptez en y contribuant et comment
l'équipe veille sur les contenus. Créer un compte vaut acceptation de ces conditions.

## Le site

{site} montre les innovations sociales du territoire et documente leur « code source » :
comment elles sont nées, comment elles fonctionnent, comment les reproduire. Il est édité par
[à compléter : nom de l'association] (voir les [mentions légales](/mentions-legales/)). Tout le
monde peut consulter et réutiliser les fiches publiées, sans compte.

## Votre compte

- Un compte est personnel. Il se crée avec une adresse électronique, qu'il faut confirmer avant
  de contribuer. Cette adresse n'est jamais affichée sur le site.
- Votre nom affiché, votre commune, votre présentation et votre photo sont publics : n'y mettez
  que ce que vous acceptez de montrer.
- Gardez votre mot de passe pour vous. Si vous pensez qu'une autre personne utilise votre
  compte, changez votre mot de passe et prévenez-nous.
- Vous pouvez à tout moment [télécharger vos données](/compte/donnees/) et
  [supprimer votre compte](/compte/supprimer/).

## Vos contributions et leur licence

Quand vous écrivez une fiche, vous choisissez sa licence à l'étape « Licence et envoi » de
l'éditeur guidé : **CC BY-SA 4.0** par défaut, ou CC BY 4.0, ou CC0 (domaine public). En cochant
la confirmation de cette étape et en envoyant la fiche, vous déclarez que vous avez écrit ou fait
ses textes et ses images, ou que leurs auteurs sont d'accord, et **vous acceptez que la fiche
soit publiée sous cette licence** une fois relue.

Quand vous modifiez une fiche déjà publiée, ou qu'une suggestion de votre part est acceptée,
votre contribution est publiée sous la licence de cette fiche.

La licence [CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/deed.fr) permet à
chacun de copier, modifier et republier la fiche, y compris à des fins commerciales, à condition
de citer ses auteurs, la publication d'origine et la licence, et de partager ses modifications
sous la même licence. Une licence Creative Commons ne peut pas être retirée : une fiche publiée
reste réutilisable, même si vous supprimez votre compte ensuite. Vous choisissez alors si vos
contributions publiées restent signées de votre nom affiché ou de « Contributeur anonyme ».

N'y mettez pas de données personnelles d'autres personnes (adresse, téléphone, photo
reconnaissable) sans leur accord. L'adresse de contact d'une fiche n'est jamais affichée.

## Accompagnement éditorial et modération

Chaque nouvelle fiche est relue par l'équipe d'accompagnement éditorial de son territoire avant
d'être publiée. L'équipe peut vous proposer des suggestions, demander des modifications, publier
la fiche ou la refuser en donnant la raison. Les échanges de relecture sont privés : ils restent
entre les auteurs de la fiche et l'équipe.

Les modifications des fiches publiées sont conservées dans l'historique public de chaque fiche,
comme dans un wiki. Celles des personnes qui ne sont pas encore en « contribution de confiance »
sont relues avant d'être mises en ligne.

Sont interdits : les contenus illicites, haineux, diffamatoires ou discriminatoires, la
publicité et les contenus sans rapport avec l'innovation sociale, les données personnelles de
tiers, la reproduction d'œuvres sans droit et les envois automatisés. L'équipe de modération peut
corriger, archiver ou retirer un contenu qui ne respecte pas ces conditions, et désactiver un
compte en cas d'abus. Les actions de l'équipe sont enregistrées dans un journal.

## Responsabilité

Les fiches décrivent des initiatives menées par d'autres : nous faisons de notre mieux pour
qu'elles soient exactes, sans pouvoir le garantir. Pour signaler une erreur ou un contenu
problématique, écrivez à [à compléter : adresse électronique de contact].

## Évolution des conditions

Ces conditions peuvent évoluer ; la date de dernière mise à jour figure en bas de la page. Les
changements importants sont annoncés sur le site. Elles sont soumises au droit français.
"""

CONFIDENTIALITE = """\
Cette page dit ce que {site} garde sur vous, pourquoi, combien de temps, et comment le
télécharger ou le supprimer.

## Responsable

Les données sont traitées par [à compléter : nom de l'association], [à compléter : adresse
postale du siège]. Pour toute question sur vos données : [à compléter : adresse électronique de
contact (ou de la personne déléguée à la protection des données)].

## Sans compte

Vous pouvez consulter tout le site sans compte. Nous ne déposons **aucun cookie de mesure
d'audience, de publicité ou de suivi**, et n'utilisons aucun service d'analyse tiers. Les seuls
cookies sont techniques : celui de la session quand vous êtes connecté, celui qui protège les
formulaires (jeton CSRF) et, le temps d'une page, celui qui porte un message de confirmation.

Les cartes affichent des fonds de carte chargés depuis les serveurs d'OpenStreetMap : comme pour
toute image chargée depuis un autre site, ces serveurs reçoivent l'adresse IP de votre appareil
(voir la [politique de confidentialité de la fondation OpenStreetMap](https://osmfoundation.org/wiki/Privacy_Policy)).
Le serveur qui héberge le site garde des journaux techniques (adresse IP, page demandée) pendant
[à compléter : durée de conservation des journaux du serveur].

## Avec un compte

- **Votre adresse électronique** sert à vous connecter et à vous écrire (confirmation de
  l'adresse, étapes de relecture de vos fiches, invitations). Elle n'est **jamais affichée** sur le
  site ni transmise à d'autres ; seules les personnes qui administrent et modèrent le site peuvent
  la voir, pour gérer les comptes. Quand quelqu'un vous invite à co-écrire une fiche, les auteurs
  de cette fiche voient l'adresse invitée tant que l'invitation n'est pas acceptée.
- **Votre mot de passe** n'est jamais conservé en clair (seule une empreinte l'est).
- Les dates de création du compte et de dernière connexion.
- **Votre profil public** : nom affiché, commune, présentation et photo, si vous les
  renseignez. La photo est enregistrée sans ses métadonnées (appareil, lieu de prise de vue).
- **Vos contributions** : les fiches que vous écrivez ou co-écrivez, leurs versions, vos messages
  de relecture, les suggestions et les invitations à co-écrire (l'adresse de la personne invitée
  sert seulement à lui envoyer le lien).
- **Le journal des actions** : qui a fait quoi sur les fiches et les rôles, avec le nom affiché de
  la personne au moment de l'action (jamais son adresse électronique). Il sert à la modération et
  à la sécurité ; il n'est jamais modifié ni effacé.

Ces données servent à faire fonctionner le service que vous demandez en créant un compte ; le
journal des actions relève de l'intérêt légitime de l'association à assurer la sécurité et la
modération du site. Les messages sont envoyés par [à compléter : prestataire d'envoi des
messages, ou « notre propre serveur »] ; le site est hébergé par [à compléter : nom de
l'hébergeur] (voir les [mentions légales](/mentions-legales/)).

## Combien de temps

Votre compte et votre profil sont gardés tant que vous ne les supprimez pas. Les fiches publiées
restent en ligne sous leur licence libre (voir les [conditions d'utilisation](/conditions-d-utilisation/)).

## Vos droits

Vous disposez d'un droit d'accès, de rectification, d'effacement, de portabilité, de limitation
et d'opposition sur vos données.

- **Télécharger vos données** (un fichier JSON avec tout ce qui vous concerne) :
  [Mes données](/compte/donnees/).
- **Corriger votre profil** : [Mon profil](/compte/profil/).
- **Supprimer votre compte** : [Supprimer mon compte](/compte/supprimer/). Votre adresse
  électronique, votre mot de passe, votre présentation, votre photo, votre commune et vos
  sessions sont effacés ; vos messages de relecture sont remplacés par « Message supprimé à la
  demande de son auteur » ; les brouillons que vous êtes seul à signer et qui n'ont jamais été
  publiés sont supprimés. Vos contributions publiées restent, signées de votre nom affiché ou de
  « Contributeur anonyme », selon votre choix.

Pour toute autre demande : [à compléter : adresse électronique de contact]. Si vous estimez que
vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL
([www.cnil.fr](https://www.cnil.fr/)).
"""

PAGES = [
    ("mentions-legales", "Mentions légales", MENTIONS),
    ("conditions-d-utilisation", "Conditions d'utilisation", CONDITIONS),
    ("confidentialite", "Confidentialité et données personnelles", CONFIDENTIALITE),
]

SLUGS = [slug for slug, _title, _body in PAGES]


def seed_pages(apps=global_apps, **kwargs):
    """Create the pages that are missing (by slug). Safe to call any number of times."""
    LegalPage = apps.get_model("legal", "LegalPage")
    for slug, title, body in PAGES:
        LegalPage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body.replace(
            "{site}", settings.SITE_NAME)})


def seed_after_migrate(sender, apps=global_apps, **kwargs):
    try:
        apps.get_model("legal", "LegalPage")
    except LookupError:  # migrating backwards past the model
        return
    seed_pages(apps)
