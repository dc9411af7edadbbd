"""BOM header words in the languages of the officers who screen with this tool, by field and language.

Headers are compared after screening.engine.bom.normalise_header, which folds case, width, punctuation and
diacritics (and transliterates Cyrillic), so "Výrobce", "VYROBCE" and "Vyrobce" need one entry, and "Цена"
serves Bulgarian and Macedonian alike. Write each word as the language writes it; add an ASCII spelling only
where people use one that folding does not give ("Stueckpreis" for "Stückpreis").

A word may appear in two languages only for the same field: the header index refuses a key that means two.
"""

from __future__ import annotations

from screening.engine.records import Field

# Language codes: ISO 639-1. Czech, Bulgarian, Macedonian, Albanian, Swedish, German.
LANGUAGES: tuple[str, ...] = ("cs", "bg", "mk", "sq", "sv", "de")

HEADER_WORDS: dict[Field, dict[str, tuple[str, ...]]] = {
    Field.LINE: {
        "cs": ("Pořadové číslo", "Poř. č.", "Poř.", "Číslo řádku", "Řádek", "Položka", "Pol.", "Číslo položky",
               "P. č."),
        "bg": ("№ по ред", "Пореден номер", "Номер по ред", "Позиция", "Поз.", "Номер на ред"),
        "mk": ("Реден број", "Ред. бр.", "Позиција", "Ставка", "Број на ставка"),
        "sq": ("Nr. rendor", "Numri rendor", "Rreshti", "Pozicioni", "Numri"),
        "sv": ("Rad", "Radnr", "Rad nr", "Radnummer", "Löpnummer", "Löpnr", "Pos"),
        "de": ("Pos.-Nr.", "Positionsnummer", "Lfd. Nr.", "Laufende Nummer", "Zeile", "Position"),
    },
    Field.PART_NUMBER: {
        "cs": ("Katalogové číslo", "Kat. č.", "Katalogové č.", "Číslo dílu", "Objednací číslo", "Obj. č.", "Kód",
               "Kód položky", "Kód zboží"),
        "bg": ("Каталожен номер", "Кат. №", "Код", "Код на артикул", "Артикулен номер", "Номер на част",
               "Артикул"),
        "mk": ("Каталошки број", "Шифра", "Шифра на артикл", "Број на дел", "Артикл"),
        "sq": ("Kodi", "Kodi i artikullit", "Numri i pjesës", "Numri i katalogut", "Nr. katalogu"),
        "sv": ("Artikelnummer", "Artikelnr", "Art.nr", "Art. nr", "Detaljnummer", "Produktkod",
               "Beställningsnummer", "Artikel"),
        "de": ("Artikelnummer", "Art.-Nr.", "Artikel-Nr.", "Teilenummer", "Materialnummer", "Bestellnummer",
               "Best.-Nr.", "Sachnummer", "Artikel"),
    },
    Field.MPN: {
        "cs": ("Typ", "Typové označení", "Model", "Číslo dílu výrobce", "Kód výrobce"),
        "bg": ("Модел", "Тип", "Номер на производителя", "Каталожен номер на производителя"),
        "mk": ("Модел", "Тип", "Шифра на производителот"),
        "sq": ("Modeli", "Tipi", "Kodi i prodhuesit"),
        "sv": ("Modell", "Typ", "Tillverkarens artikelnummer", "Tillv. art.nr"),
        "de": ("Modell", "Typ", "Typbezeichnung", "Herstellerteilenummer", "Hersteller-Artikelnummer",
               "Herstellernummer", "Herst.-Nr."),
    },
    Field.DESCRIPTION: {
        "cs": ("Popis", "Název", "Popis položky", "Název položky", "Specifikace"),
        "bg": ("Описание", "Наименование", "Име на артикула", "Спецификация"),
        "mk": ("Опис", "Назив", "Наименување", "Спецификација"),
        "sq": ("Përshkrimi", "Përshkrim", "Emërtimi", "Emri i artikullit", "Specifikimi"),
        "sv": ("Beskrivning", "Benämning", "Artikelbeskrivning", "Produktnamn"),
        "de": ("Beschreibung", "Bezeichnung", "Artikelbezeichnung", "Artikelbeschreibung", "Kurztext",
               "Produktbezeichnung"),
    },
    Field.MANUFACTURER: {
        "cs": ("Výrobce", "Název výrobce", "Značka"),
        "bg": ("Производител", "Име на производителя", "Марка"),
        "mk": ("Производител", "Производител/Бренд", "Марка"),
        "sq": ("Prodhuesi", "Prodhues", "Emri i prodhuesit", "Marka"),
        "sv": ("Tillverkare", "Tillverkarens namn", "Fabrikat", "Märke"),
        "de": ("Hersteller", "Herstellername", "Herst.", "Fabrikat", "Marke"),
    },
    Field.SUPPLIER: {
        "cs": ("Dodavatel", "Název dodavatele", "Distributor", "Prodejce"),
        "bg": ("Доставчик", "Име на доставчика", "Дистрибутор", "Търговец"),
        "mk": ("Добавувач", "Снабдувач", "Дистрибутер"),
        "sq": ("Furnizuesi", "Furnizues", "Shpërndarësi", "Distributori"),
        "sv": ("Leverantör", "Leverantörens namn", "Återförsäljare", "Distributör"),
        "de": ("Lieferant", "Lieferantenname", "Zulieferer", "Händler", "Vertriebspartner", "Distributor"),
    },
    Field.SUBCONTRACTOR: {
        "cs": ("Subdodavatel", "Poddodavatel", "Název subdodavatele"),
        "bg": ("Подизпълнител", "Име на подизпълнителя"),
        "mk": ("Подизведувач", "Поддобавувач"),
        "sq": ("Nënkontraktori", "Nënkontraktor", "Nënkontraktuesi", "Nënkontraktues"),
        "sv": ("Underleverantör", "Underentreprenör"),
        "de": ("Unterauftragnehmer", "Subunternehmer", "Nachunternehmer", "Unterlieferant"),
    },
    Field.CONTRACTOR: {
        "cs": ("Zhotovitel", "Hlavní dodavatel", "Generální dodavatel", "Uchazeč"),
        "bg": ("Изпълнител", "Главен изпълнител", "Участник"),
        "mk": ("Изведувач", "Главен изведувач", "Понудувач"),
        "sq": ("Kontraktori", "Kontraktor", "Kontraktori kryesor", "Ofertuesi", "Operatori ekonomik"),
        "sv": ("Entreprenör", "Huvudentreprenör", "Generalentreprenör", "Anbudsgivare"),
        "de": ("Auftragnehmer", "Hauptauftragnehmer", "Generalunternehmer", "Generalübernehmer", "Bieter"),
    },
    Field.COUNTRY: {
        "cs": ("Země původu", "Země", "Původ", "Země výroby", "Vyrobeno v"),
        "bg": ("Държава на произход", "Страна на произход", "Произход", "Държава", "Държава на производство"),
        "mk": ("Земја на потекло", "Потекло", "Земја", "Земја на производство"),
        "sq": ("Vendi i origjinës", "Origjina", "Vendi", "Shteti i origjinës", "Vendi i prodhimit"),
        "sv": ("Ursprungsland", "Ursprung", "Land", "Tillverkningsland"),
        "de": ("Ursprungsland", "Herkunftsland", "Ursprung", "Herkunft", "Land", "Herstellungsland"),
    },
    Field.QUANTITY: {
        "cs": ("Množství", "Počet", "Počet kusů", "Počet ks", "Mn."),
        "bg": ("Количество", "Кол."),
        "mk": ("Количина", "Кол."),
        "sq": ("Sasia", "Sasi", "Numri i copave"),
        "sv": ("Antal", "Kvantitet", "Mängd", "Antal st"),
        "de": ("Menge", "Anzahl", "Stückzahl", "Stk.", "Anz."),
    },
    Field.UNIT: {
        "cs": ("MJ", "M.j.", "Měrná jednotka", "Jednotka"),
        "bg": ("Мярка", "Мерна единица", "Ед. мярка", "М. ед.", "Единица"),
        "mk": ("Единица мерка", "Мерка", "Ед. мерка", "ЕМ"),
        "sq": ("Njësia", "Njësi", "Njësia matëse", "NJM"),
        "sv": ("Enhet", "Måttenhet", "Enh."),
        "de": ("Einheit", "Mengeneinheit", "ME", "Maßeinheit"),
    },
    Field.UNIT_PRICE: {
        "cs": ("Jednotková cena", "Jedn. cena", "Cena za jednotku", "Cena za kus", "Cena/ks", "Cena"),
        "bg": ("Единична цена", "Ед. цена", "Цена", "Цена за брой"),
        "mk": ("Единечна цена", "Цена", "Цена по единица"),
        "sq": ("Çmimi për njësi", "Çmimi njësi", "Çmimi njësor", "Çmimi"),
        "sv": ("À-pris", "A-pris", "Á-pris", "Styckpris", "Enhetspris", "Pris"),
        "de": ("Einzelpreis", "EP", "E-Preis", "Stückpreis", "Stueckpreis", "Preis", "Preis pro Einheit"),
    },
    Field.TOTAL_PRICE: {
        "cs": ("Celkem", "Celková cena", "Cena celkem", "Cena celkem bez DPH"),
        "bg": ("Обща стойност", "Обща цена", "Общо", "Стойност"),
        "mk": ("Вкупно", "Вкупна цена", "Вкупен износ", "Износ"),
        "sq": ("Totali", "Vlera totale", "Çmimi total", "Vlera"),
        "sv": ("Summa", "Totalt", "Totalpris", "Belopp"),
        "de": ("Gesamtpreis", "GP", "Gesamt", "Gesamtbetrag", "Summe", "Betrag"),
    },
    Field.CURRENCY: {
        "cs": ("Měna",),
        "bg": ("Валута",),
        "mk": ("Валута",),
        "sq": ("Monedha", "Valuta"),
        "sv": ("Valuta",),
        "de": ("Währung", "Waehrung"),
    },
    Field.DOMAIN: {
        "cs": ("Doména", "Síťová doména", "Oblast sítě", "Segment sítě", "Oblast"),
        "bg": ("Домейн", "Мрежов домейн", "Мрежов сегмент", "Сегмент"),
        "mk": ("Домен", "Мрежен домен", "Мрежен сегмент", "Сегмент"),
        "sq": ("Domeni", "Domeni i rrjetit", "Segmenti"),
        "sv": ("Domän", "Nätdomän", "Nätsegment", "Område"),
        "de": ("Domäne", "Netzdomäne", "Netzbereich", "Netzsegment", "Bereich", "Teilnetz"),
    },
    Field.SOFTWARE: {
        "cs": ("Verze SW", "Verze softwaru", "Verze firmwaru"),
        "bg": ("Софтуерна версия", "Версия на софтуера", "Софтуер"),
        "mk": ("Софтверска верзија", "Софтвер"),
        "sq": ("Versioni i softuerit", "Softueri"),
        "sv": ("Mjukvaruversion", "Programvaruversion", "Programvara", "Mjukvara"),
        "de": ("Softwareversion", "Firmwareversion", "Softwarestand"),
    },
    Field.SCOPE: {
        "cs": ("Rozsah", "Rozsah plnění", "Předmět plnění", "Rozsah prací"),
        "bg": ("Обхват", "Обхват на работите", "Предмет"),
        "mk": ("Обем", "Обем на работи", "Предмет"),
        "sq": ("Objekti", "Fusha e punës", "Shtrirja"),
        "sv": ("Omfattning", "Arbetsomfattning", "Åtagande"),
        "de": ("Leistungsumfang", "Umfang", "Gewerk"),
    },
    Field.SHARE: {
        "cs": ("Podíl", "Podíl (%)", "Podíl na zakázce"),
        "bg": ("Дял", "Дял (%)", "Процент"),
        "mk": ("Удел", "Удел (%)", "Процент"),
        "sq": ("Përqindja", "Pjesëmarrja"),
        "sv": ("Andel", "Andel (%)"),
        "de": ("Anteil", "Anteil (%)", "Prozent"),
    },
    Field.REGISTRATION: {
        "cs": ("IČO", "IČ", "Identifikační číslo"),
        "bg": ("ЕИК", "БУЛСТАТ", "ЕИК/БУЛСТАТ"),
        "mk": ("ЕМБС", "Матичен број"),
        "sq": ("NIPT", "NUI", "Numri unik i identifikimit"),
        "sv": ("Organisationsnummer", "Org.nr", "Orgnr"),
        "de": ("Handelsregisternummer", "Registernummer", "HRB"),
    },
    Field.PRODUCT_CODE: {
        "cs": ("Celní sazebník", "Kód celního sazebníku", "Kód KN"),
        "bg": ("Тарифен код", "Код по КН", "Митнически код"),
        "mk": ("Тарифна ознака", "Царински тарифен број"),
        "sq": ("Kodi doganor", "Kodi tarifor"),
        "sv": ("Tulltaxenummer", "Varukod", "KN-nummer"),
        "de": ("Zolltarifnummer", "Warentarifnummer", "KN-Code"),
    },
}
