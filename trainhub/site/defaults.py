"""The text trainhub ships for the pages every public service has, in English and Welsh.

Written for a council or health board running the IFSS training service under UK GDPR. Each
text is Markdown (``trainhub.site.services.render``). What only the body running the service
knows is left as a placeholder, ``[To fill in: …]`` / ``[I'w lenwi: …]``: administrators are
told about each one until it is replaced (``trainhub.site.services.placeholders``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultText:
    title: str
    body: str


_PRIVACY_EN = """\
This notice explains what personal information the Integrated Family Support Service (IFSS)
training service, trainhub, holds about you, why, who sees it, how long we keep it and what
your rights are under the UK General Data Protection Regulation (UK GDPR) and the Data
Protection Act 2018.

## Who we are

The data controller is [To fill in: the name and address of the council or health board that
runs this service]. It runs trainhub for the IFSS Training Framework on behalf of the councils,
health boards and partner organisations in Wales whose staff train here.

Our data protection officer is [To fill in: your data protection officer's name, email address
and postal address].

## What we hold about you

- your name, email address, organisation, job title, sector, local authority and professional
  background, and the language you prefer
- the courses you book, your place on waiting lists, your attendance and the courses you
  complete
- your accreditation applications, the workbooks and evidence you upload, assessors' judgements
  and your certificates
- your continuing professional development (CPD) record
- any access needs you tell us about for a course
- the name of your supervisor or line manager, if you give one
- when you signed in (with your browser and IP address), and the important actions taken on
  your record

The feedback you give about a course is anonymous: your answers are stored with no link to you.

## Why we use it, and our lawful basis

We use your information to organise training, keep a record of it, assess and award
accreditation, and report on the training the IFSS Training Framework delivers.

Our lawful basis is public task (UK GDPR Article 6(1)(e)): training the workforce of
integrated family support services is part of the functions of councils and health boards
under the Social Services and Well-being (Wales) Act 2014.

If you tell us about access needs that reveal information about your health or a disability,
that is special category data. We use it only to make reasonable adjustments for your
training, under Article 9(2)(b) (employment and social protection) and Article 9(2)(g)
(substantial public interest) with Schedule 1 of the Data Protection Act 2018.

## Who we share it with

- your organisation's training managers, for their own staff
- your supervisor or line manager, if you name one: they can see your training record but not
  change it
- trainers and assessors, for the courses and applications they work on
- Welsh Government and partner organisations, only as totals and anonymous figures in the
  annual report
- our IT suppliers, who host the service under contract and act only on our instructions

Partner organisations receive personal information only under a data-sharing agreement. We
never sell your information or use it for marketing.

## How long we keep it

We keep your information only as long as we need it, following our retention schedule. For
example, workbooks and evidence are deleted a set number of months after the decision on your
application, accounts that nobody has used for a set number of years are deleted, the text of
the emails we sent you is deleted after a set number of days, and audit records are deleted
after a set number of years. Certificates, and the record that you completed training, are
kept so that your achievements can be checked. Ask our data protection officer for the full
schedule.

## Your rights

You have the right to:

- get a copy of your information (once signed in, you can download it from your account)
- have information that is wrong corrected
- have your information erased, or its use restricted, in some circumstances
- object to how we use it

To use any of these rights, contact our data protection officer. We will reply within one
month.

## Complaints

If you are unhappy with how we have used your information, please contact our data protection
officer first. You can also complain to the Information Commissioner's Office (ICO), Wycliffe
House, Water Lane, Wilmslow, Cheshire SK9 5AF, telephone 0303 123 1113,
[ico.org.uk](https://ico.org.uk). The ICO's office in Wales is at 2nd Floor, Churchill House,
Churchill Way, Cardiff CF10 2HH.
"""

_PRIVACY_CY = """\
Mae'r hysbysiad hwn yn esbonio pa wybodaeth bersonol y mae trainhub, gwasanaeth hyfforddi'r
Gwasanaeth Integredig Cymorth i Deuluoedd (IFSS), yn ei chadw amdanoch chi, pam, pwy sy'n ei
gweld, am ba hyd rydyn ni'n ei chadw a beth yw eich hawliau o dan Reoliad Cyffredinol y DU ar
Ddiogelu Data (GDPR y DU) a Deddf Diogelu Data 2018.

## Pwy ydyn ni

Y rheolydd data yw [I'w lenwi: enw a chyfeiriad y cyngor neu'r bwrdd iechyd sy'n rhedeg y
gwasanaeth hwn]. Mae'n rhedeg trainhub ar gyfer Fframwaith Hyfforddiant IFSS ar ran y
cynghorau, y byrddau iechyd a'r sefydliadau partner yng Nghymru y mae eu staff yn hyfforddi
yma.

Ein swyddog diogelu data yw [I'w lenwi: enw, cyfeiriad e-bost a chyfeiriad post eich swyddog
diogelu data].

## Beth rydyn ni'n ei gadw amdanoch chi

- eich enw, eich cyfeiriad e-bost, eich sefydliad, teitl eich swydd, eich sector, eich awdurdod
  lleol a'ch cefndir proffesiynol, a'r iaith sydd orau gennych chi
- y cyrsiau rydych chi'n eu harchebu, eich lle ar restrau aros, eich presenoldeb a'r cyrsiau
  rydych chi'n eu cwblhau
- eich ceisiadau am achrediad, y llyfrau gwaith a'r dystiolaeth rydych chi'n eu lanlwytho,
  barn aseswyr a'ch tystysgrifau
- eich cofnod datblygiad proffesiynol parhaus (DPP)
- unrhyw anghenion mynediad rydych chi'n sôn amdanyn nhw ar gyfer cwrs
- enw eich goruchwyliwr neu eich rheolwr llinell, os byddwch chi'n rhoi un
- pryd y gwnaethoch chi fewngofnodi (gyda'ch porwr a'ch cyfeiriad IP), a'r camau pwysig a
  gymerwyd ar eich cofnod

Mae'r adborth rydych chi'n ei roi am gwrs yn ddienw: mae eich atebion yn cael eu cadw heb
unrhyw gysylltiad â chi.

## Pam rydyn ni'n ei defnyddio, a'n sail gyfreithlon

Rydyn ni'n defnyddio eich gwybodaeth i drefnu hyfforddiant, cadw cofnod ohono, asesu a dyfarnu
achrediad, ac adrodd ar yr hyfforddiant y mae Fframwaith Hyfforddiant IFSS yn ei ddarparu.

Ein sail gyfreithlon yw tasg gyhoeddus (Erthygl 6(1)(e) GDPR y DU): mae hyfforddi gweithlu
gwasanaethau integredig cymorth i deuluoedd yn rhan o swyddogaethau cynghorau a byrddau iechyd
o dan Ddeddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014.

Os byddwch chi'n sôn wrthyn ni am anghenion mynediad sy'n datgelu gwybodaeth am eich iechyd neu
anabledd, data categori arbennig yw hynny. Dim ond i wneud addasiadau rhesymol ar gyfer eich
hyfforddiant rydyn ni'n ei defnyddio, o dan Erthygl 9(2)(b) (cyflogaeth a diogelwch
cymdeithasol) ac Erthygl 9(2)(g) (budd sylweddol i'r cyhoedd) gydag Atodlen 1 Deddf Diogelu
Data 2018.

## Gyda phwy rydyn ni'n ei rhannu

- rheolwyr hyfforddiant eich sefydliad, ar gyfer eu staff eu hunain
- eich goruchwyliwr neu eich rheolwr llinell, os byddwch chi'n enwi un: gallan nhw weld eich
  cofnod hyfforddiant ond nid ei newid
- hyfforddwyr ac aseswyr, ar gyfer y cyrsiau a'r ceisiadau maen nhw'n gweithio arnyn nhw
- Llywodraeth Cymru a sefydliadau partner, dim ond fel cyfansymiau a ffigurau dienw yn yr
  adroddiad blynyddol
- ein cyflenwyr TG, sy'n cynnal y gwasanaeth o dan gontract ac sy'n gweithredu ar ein
  cyfarwyddiadau ni yn unig

Dim ond o dan gytundeb rhannu data y mae sefydliadau partner yn cael gwybodaeth bersonol.
Fyddwn ni byth yn gwerthu eich gwybodaeth nac yn ei defnyddio i farchnata.

## Am ba hyd rydyn ni'n ei chadw

Dim ond cyhyd ag y mae ei hangen arnon ni rydyn ni'n cadw eich gwybodaeth, yn unol â'n
hamserlen gadw. Er enghraifft, mae llyfrau gwaith a thystiolaeth yn cael eu dileu nifer
penodol o fisoedd ar ôl y penderfyniad ar eich cais, mae cyfrifon nad oes neb wedi'u
defnyddio ers nifer penodol o flynyddoedd yn cael eu dileu, mae testun y negeseuon e-bost a
anfonon ni atoch chi yn cael ei ddileu ar ôl nifer penodol o ddyddiau, ac mae cofnodion
archwilio yn cael eu dileu ar ôl nifer penodol o flynyddoedd. Rydyn ni'n cadw tystysgrifau, a'r
cofnod eich bod wedi cwblhau hyfforddiant, fel bod modd gwirio eich cyflawniadau. Gofynnwch i'n
swyddog diogelu data am yr amserlen lawn.

## Eich hawliau

Mae gennych chi hawl i:

- gael copi o'ch gwybodaeth (ar ôl mewngofnodi, gallwch chi ei lawrlwytho o'ch cyfrif)
- cael cywiro gwybodaeth anghywir
- cael dileu eich gwybodaeth, neu gyfyngu ar ei defnydd, mewn rhai amgylchiadau
- gwrthwynebu'r ffordd rydyn ni'n ei defnyddio

I ddefnyddio unrhyw un o'r hawliau hyn, cysylltwch â'n swyddog diogelu data. Byddwn ni'n ateb
o fewn mis.

## Cwynion

Os nad ydych chi'n fodlon â'r ffordd rydyn ni wedi defnyddio eich gwybodaeth, cysylltwch â'n
swyddog diogelu data yn gyntaf. Gallwch chi hefyd gwyno i Swyddfa'r Comisiynydd Gwybodaeth
(ICO), Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF, ffôn 0303 123 1113,
[ico.org.uk](https://ico.org.uk). Mae swyddfa'r ICO yng Nghymru yn 2il Lawr, Tŷ Churchill,
Ffordd Churchill, Caerdydd CF10 2HH.
"""

_ACCESSIBILITY_EN = """\
This accessibility statement applies to trainhub, the IFSS training service at this address.

[To fill in: the name of the council or health board that runs this service] runs this
service. We want as many people as possible to be able to use it. For example, that means you
should be able to:

- change colours, contrast levels and fonts using your browser or device settings
- zoom in up to 400% without the text spilling off the screen
- get around the whole service using just a keyboard or speech recognition software
- listen to the service using a screen reader
- use the whole service in English or in Welsh

We have also made the text as simple as possible to understand.
[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to use
if you have a disability.

## How accessible this service is

We know some parts of this service are not fully accessible:

- documents that people upload (workbooks and evidence) are not checked, so they may not be
  accessible
- the PDF certificates, statements and annual report are tagged PDFs, but we have not tested
  them with every screen reader
- the bar charts in reports are pictures: the same figures are in a table beside each chart

## Feedback and contact information

If you need information on this service in a different format, like an accessible PDF, large
print, easy read, audio recording or braille, contact us: [To fill in: the email address and
telephone number for accessibility requests]. We'll consider your request and get back to you
within 10 working days.

## Reporting accessibility problems with this service

We're always looking to improve the accessibility of this service. If you find any problems
not listed on this page or think we're not meeting accessibility requirements, contact us
using the details above.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the
"accessibility regulations"). If you're not happy with how we respond to your complaint,
contact the [Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/).
If you live in Northern Ireland, contact the
[Equality Commission for Northern Ireland](https://www.equalityni.org/).

## Technical information about this service's accessibility

We are committed to making this service accessible, in accordance with the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.

### Compliance status

This service is partially compliant with the
[Web Content Accessibility Guidelines version 2.2](https://www.w3.org/TR/WCAG22/) AA standard,
due to the non-compliance listed below.

### Non-accessible content

The content listed below is non-accessible for the following reasons.

#### Non-compliance with the accessibility regulations

The PDF certificates, CPD statements and annual report are tagged (PDF/UA-1), but we have not
tested them with assistive technologies, so some of their content may not be read out in the
right order (WCAG 2.2 success criterion 1.3.1, info and relationships). When we publish new
PDF documents we'll make sure they meet accessibility standards. If you need a document in
another format, contact us.

#### Content that's not within the scope of the accessibility regulations

Workbooks, evidence and other documents that people upload are third-party content that we do
not produce or control, so they may not be accessible.

## How we tested this service

Every page of this service is tested automatically, in English and in Welsh, each time the
service changes: our tests open each page in a real web browser (Chromium) and check it with
axe-core, and a change is not released while axe-core finds any problem. Automated checks find
only some accessibility problems, so we also use the service in a real browser ourselves.

## What we're doing to improve accessibility

We check every new page and every change in English and in Welsh before it is released, and
fix the problems people tell us about.

## Preparation of this accessibility statement

This statement was prepared on [To fill in: the date this statement was prepared]. It was last
reviewed on [To fill in: the date this statement was last reviewed].
"""

_ACCESSIBILITY_CY = """\
Mae'r datganiad hygyrchedd hwn yn berthnasol i trainhub, gwasanaeth hyfforddi IFSS yn y
cyfeiriad hwn.

Mae [I'w lenwi: enw'r cyngor neu'r bwrdd iechyd sy'n rhedeg y gwasanaeth hwn] yn rhedeg y
gwasanaeth hwn. Rydyn ni am i gymaint o bobl â phosibl allu ei ddefnyddio. Er enghraifft, mae
hynny'n golygu y dylech chi allu:

- newid lliwiau, lefelau cyferbyniad a ffontiau gan ddefnyddio gosodiadau eich porwr neu eich
  dyfais
- chwyddo hyd at 400% heb i'r testun ddiflannu oddi ar y sgrin
- symud o gwmpas y gwasanaeth cyfan gan ddefnyddio bysellfwrdd yn unig neu feddalwedd adnabod
  lleferydd
- gwrando ar y gwasanaeth gan ddefnyddio darllenydd sgrin
- defnyddio'r gwasanaeth cyfan yn Gymraeg neu yn Saesneg

Rydyn ni hefyd wedi gwneud y testun mor syml â phosibl i'w ddeall. Mae gan
[AbilityNet](https://mcmw.abilitynet.org.uk/) gyngor ar wneud eich dyfais yn haws ei defnyddio
os oes gennych chi anabledd.

## Pa mor hygyrch yw'r gwasanaeth hwn

Rydyn ni'n gwybod nad yw rhai rhannau o'r gwasanaeth hwn yn gwbl hygyrch:

- dydy'r dogfennau y mae pobl yn eu lanlwytho (llyfrau gwaith a thystiolaeth) ddim yn cael
  eu gwirio, felly efallai na fyddan nhw'n hygyrch
- mae'r tystysgrifau, y datganiadau a'r adroddiad blynyddol PDF wedi'u tagio, ond dydyn ni ddim
  wedi'u profi gyda phob darllenydd sgrin
- lluniau yw'r siartiau bar yn yr adroddiadau: mae'r un ffigurau mewn tabl wrth ymyl pob siart

## Adborth a gwybodaeth gyswllt

Os oes angen gwybodaeth arnoch chi am y gwasanaeth hwn mewn fformat gwahanol, fel PDF hygyrch,
print bras, hawdd ei ddeall, recordiad sain neu braille, cysylltwch â ni: [I'w lenwi: y
cyfeiriad e-bost a'r rhif ffôn ar gyfer ceisiadau hygyrchedd]. Byddwn ni'n ystyried eich cais
ac yn cysylltu â chi cyn pen 10 diwrnod gwaith.

## Rhoi gwybod am broblemau hygyrchedd gyda'r gwasanaeth hwn

Rydyn ni bob amser yn ceisio gwella hygyrchedd y gwasanaeth hwn. Os byddwch chi'n dod o hyd i
unrhyw broblemau sydd heb eu rhestru ar y dudalen hon, neu os ydych chi'n meddwl nad ydyn ni'n
bodloni'r gofynion hygyrchedd, cysylltwch â ni gan ddefnyddio'r manylion uchod.

## Y drefn orfodi

Y Comisiwn Cydraddoldeb a Hawliau Dynol (EHRC) sy'n gyfrifol am orfodi Rheoliadau Hygyrchedd
Cyrff y Sector Cyhoeddus (Gwefannau a Rhaglenni Symudol) (Rhif 2) 2018 (y "rheoliadau
hygyrchedd"). Os nad ydych chi'n fodlon â'r ffordd rydyn ni'n ymateb i'ch cwyn, cysylltwch â'r
[Gwasanaeth Cynghori a Chymorth Cydraddoldeb (EASS)](https://www.equalityadvisoryservice.com/).
Os ydych chi'n byw yng Ngogledd Iwerddon, cysylltwch â
[Chomisiwn Cydraddoldeb Gogledd Iwerddon](https://www.equalityni.org/).

## Gwybodaeth dechnegol am hygyrchedd y gwasanaeth hwn

Rydyn ni wedi ymrwymo i wneud y gwasanaeth hwn yn hygyrch, yn unol â Rheoliadau Hygyrchedd
Cyrff y Sector Cyhoeddus (Gwefannau a Rhaglenni Symudol) (Rhif 2) 2018.

### Statws cydymffurfio

Mae'r gwasanaeth hwn yn cydymffurfio'n rhannol â safon AA
[Canllawiau Hygyrchedd Cynnwys y We fersiwn 2.2](https://www.w3.org/TR/WCAG22/), oherwydd yr
achos o beidio â chydymffurfio a restrir isod.

### Cynnwys nad yw'n hygyrch

Dydy'r cynnwys a restrir isod ddim yn hygyrch am y rhesymau canlynol.

#### Peidio â chydymffurfio â'r rheoliadau hygyrchedd

Mae'r tystysgrifau, y datganiadau DPP a'r adroddiad blynyddol PDF wedi'u tagio (PDF/UA-1), ond
dydyn ni ddim wedi'u profi gyda thechnolegau cynorthwyol, felly efallai na fydd peth o'u cynnwys
yn cael ei ddarllen yn y drefn gywir (maen prawf llwyddiant 1.3.1 WCAG 2.2, gwybodaeth a
pherthnasoedd). Pan fyddwn ni'n cyhoeddi dogfennau PDF newydd, byddwn ni'n sicrhau eu bod yn
bodloni safonau hygyrchedd. Os oes angen dogfen arnoch chi mewn fformat arall, cysylltwch â ni.

#### Cynnwys sydd y tu allan i gwmpas y rheoliadau hygyrchedd

Mae llyfrau gwaith, tystiolaeth a dogfennau eraill y mae pobl yn eu lanlwytho yn gynnwys
trydydd parti nad ydyn ni'n ei greu nac yn ei reoli, felly efallai na fyddan nhw'n hygyrch.

## Sut gwnaethon ni brofi'r gwasanaeth hwn

Mae pob tudalen o'r gwasanaeth hwn yn cael ei phrofi'n awtomatig, yn Gymraeg ac yn Saesneg,
bob tro mae'r gwasanaeth yn newid: mae ein profion yn agor pob tudalen mewn porwr gwe go iawn
(Chromium) ac yn ei gwirio gydag axe-core, a dydy newid ddim yn cael ei ryddhau tra bo axe-core
yn dod o hyd i unrhyw broblem. Dim ond rhai problemau hygyrchedd y mae gwiriadau awtomatig yn eu
canfod, felly rydyn ni hefyd yn defnyddio'r gwasanaeth mewn porwr go iawn ein hunain.

## Beth rydyn ni'n ei wneud i wella hygyrchedd

Rydyn ni'n gwirio pob tudalen newydd a phob newid yn Gymraeg ac yn Saesneg cyn ei ryddhau, ac
yn trwsio'r problemau y mae pobl yn dweud wrthyn ni amdanyn nhw.

## Paratoi'r datganiad hygyrchedd hwn

Cafodd y datganiad hwn ei baratoi ar [I'w lenwi: y dyddiad y cafodd y datganiad hwn ei
baratoi]. Cafodd ei adolygu ddiwethaf ar [I'w lenwi: y dyddiad y cafodd y datganiad hwn ei
adolygu ddiwethaf].
"""

_COOKIES_EN = """\
Cookies are small files saved on your phone, tablet or computer when you visit a website.

trainhub uses only the cookies it needs to work. They are essential, so we do not ask for your
consent to set them. We do not use cookies to measure how people use the service or for
advertising, and no other website sets cookies through trainhub.

The table on this page lists each cookie trainhub sets, what it is for and when it expires.
"""

_COOKIES_CY = """\
Ffeiliau bach yw cwcis sy'n cael eu cadw ar eich ffôn, eich llechen neu eich cyfrifiadur pan
fyddwch chi'n ymweld â gwefan.

Dim ond y cwcis sydd eu hangen arno i weithio y mae trainhub yn eu defnyddio. Maen nhw'n
hanfodol, felly dydyn ni ddim yn gofyn am eich caniatâd i'w gosod. Dydyn ni ddim yn defnyddio
cwcis i fesur sut mae pobl yn defnyddio'r gwasanaeth nac ar gyfer hysbysebu, a dydy dim gwefan
arall yn gosod cwcis drwy trainhub.

Mae'r tabl ar y dudalen hon yn rhestru pob cwci y mae trainhub yn ei osod, beth yw ei bwrpas a
phryd mae'n dod i ben.
"""

_HELP_EN = """\
## Getting help with trainhub

- **Booking a course, your place or your attendance**: contact the person named in the email
  about your booking, or your organisation's training manager.
- **Accreditation, workbooks and certificates**: contact the assessor named on your
  application.
- **Signing in**: if you have forgotten your password, choose "I have forgotten my password"
  on the sign-in page. If your account has been locked after too many wrong passwords, wait a few
  minutes and try again.
- **Your personal information**: see the privacy notice, linked at the bottom of every page.

## Contact us

[To fill in: the service desk's email address, telephone number and opening hours]

We aim to reply within 2 working days. You can contact us in Welsh or in English: we will
reply in the language you use, and a reply in Welsh will not take longer.
"""

_HELP_CY = """\
## Cael help gyda trainhub

- **Archebu cwrs, eich lle neu eich presenoldeb**: cysylltwch â'r person sydd wedi'i enwi yn yr
  e-bost am eich archeb, neu reolwr hyfforddiant eich sefydliad.
- **Achrediad, llyfrau gwaith a thystysgrifau**: cysylltwch â'r asesydd sydd wedi'i enwi ar
  eich cais.
- **Mewngofnodi**: os ydych chi wedi anghofio eich cyfrinair, dewiswch "Rwyf wedi anghofio fy
  nghyfrinair" ar y dudalen fewngofnodi. Os yw eich cyfrif wedi'i gloi ar ôl gormod o gyfrineiriau
  anghywir, arhoswch ychydig funudau a rhoi cynnig arall arni.
- **Eich gwybodaeth bersonol**: gweler yr hysbysiad preifatrwydd, sydd â dolen iddo ar waelod
  pob tudalen.

## Cysylltu â ni

[I'w lenwi: cyfeiriad e-bost, rhif ffôn ac oriau agor y ddesg wasanaeth]

Ein nod yw ateb cyn pen 2 ddiwrnod gwaith. Gallwch chi gysylltu â ni yn Gymraeg neu yn Saesneg:
byddwn ni'n ateb yn yr iaith rydych chi'n ei defnyddio, a fydd ateb yn Gymraeg ddim yn cymryd
mwy o amser.
"""

#: Each page's shipped text by language.
DEFAULTS: dict[str, dict[str, DefaultText]] = {
    "privacy": {
        "en": DefaultText("Privacy notice", _PRIVACY_EN),
        "cy": DefaultText("Hysbysiad preifatrwydd", _PRIVACY_CY),
    },
    "accessibility": {
        "en": DefaultText("Accessibility statement", _ACCESSIBILITY_EN),
        "cy": DefaultText("Datganiad hygyrchedd", _ACCESSIBILITY_CY),
    },
    "cookies": {
        "en": DefaultText("Cookies", _COOKIES_EN),
        "cy": DefaultText("Cwcis", _COOKIES_CY),
    },
    "help": {
        "en": DefaultText("Help and contact", _HELP_EN),
        "cy": DefaultText("Help a chysylltu â ni", _HELP_CY),
    },
}
