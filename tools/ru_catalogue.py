"""Fill the Russian catalogue from the table below and compile it.

Run after `kam makemessages -l ru --no-location -i "*/migrations/*"` (from src/keyaccount):
    python tools/ru_catalogue.py
It reports every message still without a translation, so nothing ships half-translated silently.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "src/keyaccount/locale/ru/LC_MESSAGES/django.po"

RU = {
    "Accounts": "Клиенты", "Prospect": "Потенциальный", "One-time buyer": "Разовый покупатель",
    "Repeat customer": "Постоянный клиент", "Key account": "Ключевой клиент", "Lost": "Потерян",
    "Micro (up to 15 people)": "Микро (до 15 человек)", "Small (16-100)": "Малое (16–100)",
    "Medium (101-250)": "Среднее (101–250)", "Large (251-1000)": "Крупное (251–1000)",
    "Enterprise (over 1000)": "Корпорация (более 1000)", "Manufacturing": "Производство", "Retail": "Розница",
    "Wholesale and distribution": "Опт и дистрибуция", "Construction": "Строительство",
    "Energy and utilities": "Энергетика и ЖКХ", "IT and telecom": "ИТ и связь", "Banking and finance": "Банки и финансы",
    "Transport and logistics": "Транспорт и логистика", "Healthcare and pharma": "Медицина и фармацевтика",
    "Food and agriculture": "Пищевая промышленность и АПК", "Public sector": "Госсектор", "Education": "Образование",
    "Professional services": "Профессиональные услуги", "Other": "Другое",
    "Uses our product": "Пользуется продуктом", "Pays": "Платит", "Decides": "Принимает решение",
    "Influences": "Влияет", "Champion": "Сторонник", "Blocker": "Противник",
    "Phone": "Телефон", "E-mail": "E-mail", "Messenger": "Мессенджер", "In person": "Лично",
    "No relationship yet": "Отношений пока нет", "Weak": "Слабые", "Working": "Рабочие", "Good": "Хорошие",
    "Strong": "Крепкие", "Trusted advisor": "Доверенный советник", "Work": "Рабочий", "Mobile": "Мобильный",
    "Performing the contract": "Исполнение договора", "Marketing communication": "Маркетинговые рассылки",
    "Events and VIP club": "Мероприятия и VIP-клуб", "Surveys": "Опросы", "Search": "Поиск",
    "Name, INN, person, phone…": "Название, ИНН, человек, телефон…", "status": "статус", "manager": "менеджер",
    "industry": "отрасль", "tag": "метка", "Name or phone…": "Имя или телефон…", "role": "роль", "tags": "метки",
    "Comma-separated": "Через запятую", "shared with": "доступ коллегам", "reason for the status change":
    "причина смены статуса", "roles on the account": "роли у клиента", "phones": "телефоны",
    "One per line, any format: 8 916 123-45-67, +7 495 ...": "По одному в строке, в любом формате: 8 916 123-45-67, +7 495 …",
    "e-mails": "e-mail", "One per line": "По одному в строке",
    'JSON, e.g. {"EBITDA": 1200000}': 'JSON, например {"EBITDA": 1200000}',
    'Give the indicators as a JSON object: {"name": value}.': 'Укажите показатели объектом JSON: {"название": значение}.',
    "competitor": "конкурент", "what they offer": "что предлагает", "since": "с", "name": "название",
    "legal name": "полное наименование", "short name": "краткое название", "INN": "ИНН", "KPP": "КПП",
    "OGRN": "ОГРН", "VAT number": "номер плательщика НДС", "country": "страна", "ISO 3166 code, e.g. RU":
    "код ISO 3166, например RU", "size": "размер", "website": "сайт", "legal address": "юридический адрес",
    "postal address": "почтовый адрес", "what they do": "чем занимается", "founding and history":
    "основание и история", "founded": "год основания", "known needs": "известные потребности",
    "development plans": "планы развития", "notes": "заметки", "status since": "статус с",
    "key-account manager": "менеджер по работе с клиентом", "team": "команда", "parent company": "головная компания",
    "account": "клиент", "accounts": "клиенты", "An account with this INN already exists.":
    "Клиент с таким ИНН уже есть.", "from": "с", "to": "по", "when": "когда", "who": "кто", "reason": "причина",
    "year": "год", "currency": "валюта", "revenue": "выручка", "net profit": "чистая прибыль",
    "employees": "сотрудников", "other indicators": "другие показатели",
    "This year is already recorded.": "Этот год уже внесён.", "last name": "фамилия", "first name": "имя",
    "patronymic": "отчество", "position": "должность", "department": "подразделение", "messengers": "мессенджеры",
    "e.g. Telegram @ivanov, WhatsApp": "например Telegram @ivanov, WhatsApp", "preferred language":
    "предпочитаемый язык", "preferred channel": "предпочитаемый канал", "form of address": "обращение",
    "How to address them, e.g. “Ivan Petrovich”": "Как обращаться, например «Иван Петрович»",
    "birthday": "день рождения", "reports to": "руководитель", "relationship strength": "сила отношений",
    "personal data erased": "персональные данные удалены", "contact": "контакт", "contacts": "контакты",
    "phone": "телефон", "E.164": "E.164", "kind": "тип", "e-mail": "e-mail", "purpose": "цель",
    "given on": "дано", "source": "источник", "e.g. signed form, web form, contract":
    "например подписанный бланк, веб-форма, договор", "consent text version": "версия текста согласия",
    "withdrawn on": "отозвано", "strengths": "сильные стороны", "weaknesses": "слабые стороны",
    "competitors": "конкуренты", "Choose a parent company from your accounts.":
    "Выберите головную компанию из своих клиентов.",
    "A company cannot be its own parent, directly or through its subsidiaries.":
    "Компания не может быть головной сама для себя — ни напрямую, ни через дочерние.",
    "Only the head of sales or an administrator assigns accounts to another manager.":
    "Передать клиента другому менеджеру может только руководитель отдела продаж или администратор.",
    "Choose an active user as the key-account manager.": "Выберите действующего пользователя менеджером клиента.",
    "Unknown or inactive users: %(ids)s": "Неизвестные или отключённые пользователи: %(ids)s",
    "Unknown status “%(value)s”.": "Неизвестный статус «%(value)s».",
    "Say why the account was lost.": "Укажите, почему клиент потерян.",
    "This account has orders; mark it as lost instead of deleting it.":
    "У клиента есть заказы: отметьте его потерянным вместо удаления.",
    "Phone %(row)s: %(message)s": "Телефон %(row)s: %(message)s",
    "E-mail %(row)s: “%(value)s” is not an e-mail address.": "E-mail %(row)s: «%(value)s» — не адрес электронной почты.",
    "Unknown roles: %(roles)s": "Неизвестные роли: %(roles)s",
    "Choose a person of the same account.": "Выберите человека из того же клиента.",
    "This would make a circle in the org chart.": "Так в оргструктуре получится замкнутый круг.",
    "This person's data was erased on request; the record cannot be edited.":
    "Данные этого человека удалены по его запросу; запись нельзя изменить.",
    "(erased)": "(удалено)", ("%(counter)s account", "%(counter)s accounts"):
    ("%(counter)s клиент", "%(counter)s клиента", "%(counter)s клиентов"),
    "Name": "Название", "Status": "Статус", "Industry": "Отрасль", "Manager": "Менеджер", "Tags": "Метки",
    "No accounts match. Try fewer words or other filters.": "Клиентов не найдено. Уберите часть слов или фильтров.",
    "Strengths": "Сильные стороны", "Weaknesses": "Слабые стороны", "No competitors recorded.": "Конкурентов пока нет.",
    "Position": "Должность", "Account": "Клиент", "Roles": "Роли", "Phones": "Телефоны", "Nobody found.": "Никого не найдено.",
    "Edit": "Изменить", "New order": "Новый заказ", "History": "История", "People": "Люди",
    "Add person": "Добавить человека", "Use our product": "Пользуются продуктом",
    "Nobody known yet: who works with our product every day?": "Пока никого: кто каждый день работает с нашим продуктом?",
    "Pay and decide": "Платят и решают",
    "No payer or decision maker known: who signs and who pays?": "Не знаем, кто платит и решает: кто подписывает и кто платит?",
    "Others": "Другие", "Org chart": "Оргструктура", "Dossier": "Досье", "What they do": "Чем занимается",
    "Industry, size": "Отрасль, размер", "Founding and history": "Основание и история",
    "Known needs": "Известные потребности", "Development plans": "Планы развития", "Notes": "Заметки",
    "Website": "Сайт", "Legal address": "Юридический адрес", "Parent company": "Головная компания",
    "Subsidiaries": "Дочерние компании", "Financials": "Финансы", "Year": "Год", "Revenue": "Выручка",
    "Profit": "Прибыль", "Staff": "Штат", "No financial indicators yet.": "Финансовых показателей пока нет.",
    "Add a year": "Добавить год", "Competitors here": "Конкуренты у клиента", "Remove": "Убрать",
    "None known.": "Неизвестны.", "Add competitor": "Добавить конкурента", "Status history": "История статусов",
    "New account": "Новый клиент", "Find": "Найти", "Works with": "Работает с",
    "None of your accounts.": "Ни с кем из ваших клиентов.", "Competitors": "Конкуренты",
    "New competitor": "Новый конкурент", "Personal data erased on request": "Персональные данные удалены по запросу",
    "E-mails": "E-mail", "Messengers": "Мессенджеры", "Form of address": "Обращение",
    "Preferred channel and language": "Предпочитаемый канал и язык", "Birthday": "День рождения",
    "Relationship strength": "Сила отношений", "Reports to": "Руководитель", "Reports": "Подчинённые",
    "Consent to personal-data processing": "Согласие на обработку персональных данных", "withdrawn": "отозвано",
    "withdraw": "отозвать", "No consent recorded.": "Согласие не зафиксировано.", "Record consent": "Зафиксировать согласие",
    "Save": "Сохранить", "Export personal data": "Выгрузить персональные данные",
    "Erase personal data": "Удалить персональные данные",
    "Erase the personal data of %(contact)s?": "Удалить персональные данные: %(contact)s?",
    "Name, phones, e-mails, birthday and notes are removed for good; the record stays as “(erased)” so the account's history keeps its shape. The audit log records that the data was erased, without the data.":
    "Имя, телефоны, e-mail, день рождения и заметки удаляются безвозвратно; запись остаётся как «(удалено)», чтобы история клиента не развалилась. В журнале аудита остаётся факт удаления — без самих данных.",
    "Erase": "Удалить", "Cancel": "Отмена", "Catalog": "Каталог", "Name or SKU…": "Название или артикул…",
    "category": "категория", "on sale": "в продаже", "SKU": "Артикул", "unit": "единица", "list price": "цена по прайсу",
    "description": "описание", "product": "товар", "products": "товары",
    "This product was ordered; take it off sale instead of deleting it.":
    "Этот товар уже заказывали: снимите его с продажи вместо удаления.",
    "Category": "Категория", "List price": "Цена по прайсу", "off sale": "снят с продажи",
    "No products found.": "Товары не найдены.", "Products": "Товары", "New product": "Новый товар",
    "Workspace": "Рабочее место", "Key-account manager": "Менеджер по ключевым клиентам",
    "Head of sales": "Руководитель отдела продаж", "Support agent": "Сотрудник поддержки", "Analyst": "Аналитик",
    "Administrator": "Администратор",
    "Someone else changed this record after you opened it. Reload it to see their changes, then apply yours again.":
    "Кто-то изменил эту запись после того, как вы её открыли. Обновите страницу, чтобы увидеть изменения, и внесите свои ещё раз.",
    "You are not allowed to do this.": "У вас нет прав на это действие.",
    "Unknown time zone; use a name such as Europe/Moscow.": "Неизвестный часовой пояс; укажите, например, Europe/Moscow.",
    "As the browser says": "Как в браузере", "Saved.": "Сохранено.", "Deleted.": "Удалено.",
    "An INN has 10 digits (company) or 12 digits (individual).": "ИНН состоит из 10 цифр (организация) или 12 цифр (физлицо, ИП).",
    "This INN fails its checksum: check the digits.": "Контрольная сумма ИНН не сходится: проверьте цифры.",
    "A KPP is 9 characters: 4 digits, 2 digits or capital letters, 3 digits.":
    "КПП — 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры.",
    "An OGRN has 13 digits (OGRNIP: 15 digits).": "ОГРН состоит из 13 цифр (ОГРНИП — из 15).",
    "This OGRN fails its checksum: check the digits.": "Контрольная цифра ОГРН не сходится: проверьте цифры.",
    "Not a valid VAT number with its country prefix (e.g. DE136695976).":
    "Неверный номер плательщика НДС с префиксом страны (например DE136695976).",
    "teams": "команды", "language": "язык", "time zone": "часовой пояс", "user": "пользователь", "users": "пользователи",
    "version": "версия", "created": "создано", "updated": "изменено", "API token": "токен API", "API tokens": "токены API",
    "changed": "изменено", "deleted": "удалено", "personal data exported": "персональные данные выгружены",
    "action": "действие", "audit entry": "запись аудита", "audit log": "журнал аудита",
    "“%(value)s” is not a currency in use; give its ISO 4217 code, e.g. RUB, USD, EUR.":
    "«%(value)s» — не действующая валюта; укажите код ISO 4217, например RUB, USD, EUR.",
    "“%(value)s” is not a phone number.": "«%(value)s» — не номер телефона.",
    "“%(value)s” is not a valid phone number.": "«%(value)s» — недействительный номер телефона.",
    "Bad request": "Неверный запрос",
    "The request could not be understood. If you sent a file, check its size.":
    "Запрос не удалось разобрать. Если вы отправляли файл, проверьте его размер.",
    "Not found": "Не найдено", "There is nothing here, or it is not shared with you.":
    "Здесь ничего нет, или к этому у вас нет доступа.", "To the accounts": "К списку клиентов",
    "When": "Когда", "Who": "Кто", "What": "Что", "Changes": "Изменения",
    "No changes recorded for this period.": "За этот период изменений нет.", "Pages": "Страницы",
    "Previous": "Назад", "Page %(n)s of %(total)s": "Страница %(n)s из %(total)s", "Next": "Дальше",
    "Delete “%(object)s”?": "Удалить «%(object)s»?", "The deletion is kept in the audit log.":
    "Удаление останется в журнале аудита.", "Delete": "Удалить", "Not allowed": "Нет доступа", "Back": "Назад",
    "New": "Новая запись", "Everyone": "Все", "Filter": "Показать", "Too many failed sign-in attempts":
    "Слишком много неудачных попыток входа",
    "Sign-in for this account from your address is paused for 15 minutes. Try again later or ask an administrator.":
    "Вход в эту учётную запись с вашего адреса приостановлен на 15 минут. Попробуйте позже или обратитесь к администратору.",
    "Sign in": "Войти", "Username": "Имя пользователя", "Password": "Пароль", "Profile": "Профиль",
    "Orders": "Заказы", "Order number…": "Номер заказа…", "Empty: the list price": "Пусто — цена по прайсу",
    "Draft": "Черновик", "Confirmed": "Подтверждён", "Shipped": "Отгружен", "Completed": "Выполнен",
    "Cancelled": "Отменён", "number": "номер", "date": "дата", "total": "сумма", "payment due": "оплатить до",
    "paid on": "оплачен", "order": "заказ", "orders": "заказы", "quantity": "количество", "unit price": "цена",
    "discount, %": "скидка, %", "amount": "сумма",
    "Line %(n)s, product: no product with id %(id)s.": "Строка %(n)s, товар: нет товара с id %(id)s.",
    "Line %(n)s, unit price: give a price in %(currency)s (the list price is in %(list)s).":
    "Строка %(n)s, цена: укажите цену в %(currency)s (прайс в %(list)s).",
    "Line %(n)s: quantity and discount must be numbers.": "Строка %(n)s: количество и скидка должны быть числами.",
    "Line %(n)s, %(field)s: %(message)s": "Строка %(n)s, %(field)s: %(message)s",
    "Choose one of your accounts.": "Выберите одного из своих клиентов.",
    "Payment cannot come before the order date.": "Оплата не может быть раньше даты заказа.",
    "Order %(n)s: no account with id %(id)s.": "Заказ %(n)s: нет клиента с id %(id)s.",
    "Order %(n)s: %(message)s": "Заказ %(n)s: %(message)s",
    "Order %(n)s, line %(l)s: no product with id %(id)s.": "Заказ %(n)s, строка %(l)s: нет товара с id %(id)s.",
    "Order %(n)s, line %(l)s: quantity must be positive and the discount between 0 and 100 %%.":
    "Заказ %(n)s, строка %(l)s: количество должно быть больше нуля, а скидка — от 0 до 100 %%.",
    ("all %(counter)s order", "all %(counter)s orders"):
    ("все %(counter)s заказ", "все %(counter)s заказа", "все %(counter)s заказов"),
    "%(count)s orders from %(first)s to %(last)s": "Заказов: %(count)s, с %(first)s по %(last)s",
    "Date": "Дата", "Number": "Номер", "Total": "Сумма", "Paid": "Оплачен", "No orders yet.": "Заказов пока нет.",
    "No orders found.": "Заказы не найдены.", "Order": "Заказ", "paid": "оплачен", "Product": "Товар",
    "Quantity": "Количество", "Unit price": "Цена", "Discount, %%": "Скидка, %%", "Discount, %": "Скидка, %",
    "Amount": "Сумма", "Lines": "Строки", "Check the order lines below.": "Проверьте строки заказа ниже.",
    "Sign out": "Выйти",
    "More than %(cap)s accounts: add a word to narrow the search": "Больше %(cap)s клиентов: добавьте слово, чтобы сузить поиск",
    "Financial indicators of a year": "Финансовые показатели за год", "New person": "Новый человек",
    "New record": "Новая запись",
}


def main() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        translation = RU.get(message.id)
        if translation is None:
            missing.append(message.id)
            continue
        message.string = translation
        message.flags.discard("fuzzy")
    catalog.fuzzy = False
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False)
    with PO.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    for message_id in missing:
        print("untranslated:", message_id)
    print(f"{len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
