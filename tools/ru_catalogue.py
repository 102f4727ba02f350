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

# Timeline (issue 3).
RU.update({
    "main phone": "основной телефон", "The switchboard; people's own numbers go on their cards":
    "Номер приёмной; личные номера людей — в их карточках", "Main phone": "Основной телефон", "Timeline": "Лента",
    "phone extension": "внутренний номер", "Calls": "Звонки", "Call": "Звонок", "Meeting": "Встреча", "Note": "Заметка",
    "Task": "Задача", "Inbound": "Входящий", "Outbound": "Исходящий", "Internal": "Внутренний", "Answered": "Отвечен",
    "Missed": "Пропущен", "Busy": "Занято", "Failed": "Не состоялся", "Planned": "Запланирована", "Held": "Состоялась",
    "Matched": "Сопоставлен", "Nobody with this number": "Номер никому не принадлежит",
    "Several accounts have this number": "Номер есть у нескольких клиентов", "people": "люди",
    "our participants": "наши участники", "outcome": "итог", "direction": "направление", "summary": "содержание",
    "What was agreed": "О чём договорились", "actually started": "фактическое начало", "agreements": "договорённости",
    "next steps": "следующие шаги",
    "One per line; a date at the end sets the due date: “Send the proposal; 2026-12-05”":
    "По одному в строке; дата в конце задаёт срок: «Отправить КП; 2026-12-05»",
    "Line %(n)s: “%(value)s” is not a date like 2026-12-05.": "Строка %(n)s: «%(value)s» — не дата вида 2026-12-05.",
    "call log file": "файл журнала звонков",
    "Asterisk Master.csv, or a CSV/XLSX export of your telephony provider":
    "Master.csv из Asterisk или выгрузка CSV/XLSX от провайдера телефонии",
    "format": "формат", "CSV or XLSX with a column mapping": "CSV или XLSX с сопоставлением колонок",
    "column mapping": "сопоставление колонок",
    "For CSV/XLSX: start=Date,src=From,dst=To,duration=Duration,outcome=Status":
    "Для CSV/XLSX: start=Дата,src=Откуда,dst=Куда,duration=Длительность,outcome=Статус",
    "encoding": "кодировка", "Detect (UTF-8 or Windows-1251)": "Определить (UTF-8 или Windows-1251)",
    "times in the file are UTC": "время в файле — UTC",
    "skip bad rows (and list them) instead of refusing the file": "пропустить ошибочные строки (и перечислить их), а не отклонять файл",
    "The file is not in the encoding %(encoding)s: %(error)s": "Файл не в кодировке %(encoding)s: %(error)s",
    "Cannot tell the file's text encoding (tried UTF-8 and Windows-1251); name it with --encoding.":
    "Не удалось определить кодировку файла (пробовали UTF-8 и Windows-1251); укажите её через --encoding.",
    "This is not a readable XLSX file: %(error)s": "Это не читаемый файл XLSX: %(error)s",
    "This looks like a binary file, not a CSV export.": "Похоже на двоичный файл, а не на выгрузку CSV.",
    "“%(value)s” is not a date and time (e.g. 2026-03-15 14:05:00 or 15.03.2026 14:05)":
    "«%(value)s» — не дата и время (например 2026-03-15 14:05:00 или 15.03.2026 14:05)",
    "“%(value)s” is not a number of seconds": "«%(value)s» — не число секунд",
    "%(value)s seconds is out of range": "%(value)s секунд — вне допустимого диапазона",
    "“%(value)s” is not a call outcome (ANSWERED, NO ANSWER, BUSY, FAILED)":
    "«%(value)s» — не итог звонка (ANSWERED, NO ANSWER, BUSY, FAILED)",
    "Line %(line)s: %(count)s columns; an Asterisk CDR line has 16 to 21 (accountcode, src, dst, …, amaflags[, uniqueid, userfield[, peeraccount, linkedid, sequence]]).":
    "Строка %(line)s: колонок %(count)s, а в строке CDR Asterisk их от 16 до 21 (accountcode, src, dst, …, amaflags[, uniqueid, userfield[, peeraccount, linkedid, sequence]]).",
    "Line %(line)s, column %(column)s (%(name)s): %(message)s": "Строка %(line)s, колонка %(column)s (%(name)s): %(message)s",
    "the call has no start time": "у звонка нет времени начала",
    "A generic CSV/XLSX import needs a column mapping, e.g. start=Date,src=From,dst=To,duration=Duration,outcome=Status.":
    "Для загрузки CSV/XLSX нужно сопоставление колонок, например start=Дата,src=Откуда,dst=Куда,duration=Длительность,outcome=Статус.",
    "The mapping is not valid JSON: %(error)s": "Сопоставление — неверный JSON: %(error)s",
    "Mapping item “%(item)s” is not field=Column.": "Элемент сопоставления «%(item)s» не вида поле=Колонка.",
    "Unknown mapping fields: %(fields)s (known: %(known)s).": "Неизвестные поля сопоставления: %(fields)s (известны: %(known)s).",
    "The mapping must name “start” and either “their_number” or both “src” and “dst”.":
    "В сопоставлении должны быть «start» и либо «their_number», либо «src» и «dst».",
    "The file is empty.": "Файл пуст.", " Did you mean “%(name)s”?": " Может быть, «%(name)s»?",
    "Column “%(column)s” (for %(field)s) is not in the file.%(hint)s": "Колонки «%(column)s» (для %(field)s) в файле нет.%(hint)s",
    "the number is empty": "номер пуст", "Unknown format “%(fmt)s”: use asterisk or csv.":
    "Неизвестный формат «%(fmt)s»: используйте asterisk или csv.", "…and more; fix these first.": "…и другие; сначала исправьте эти.",
    "The file has no calls.": "В файле нет звонков.", "file": "файл", "imported by": "кто загрузил", "imported": "загружено",
    "rows": "строк", "new calls": "новых звонков", "already imported": "уже были", "matched": "сопоставлено",
    "waiting in the queue": "ждут в очереди", "skipped as bad": "пропущено с ошибками", "call import": "загрузка звонков",
    "call imports": "загрузки звонков", "responsible": "ответственный", "until": "до", "subject": "тема",
    "our number": "наш номер", "line or extension": "линия или внутренний", "their number": "их номер",
    "answered": "ответ", "duration, s": "длительность, с", "talk time, s": "разговор, с", "recording": "запись",
    "matching": "сопоставление", "place": "место", "video link": "ссылка на видеовстречу", "travel time, min": "дорога, мин",
    "agenda": "повестка", "meeting status": "статус встречи", "due": "срок", "assignee": "исполнитель", "done": "выполнено",
    "follows": "по итогам", "interaction": "событие", "interactions": "события",
    "The end cannot come before the start.": "Окончание не может быть раньше начала.",
    "These people are not at this account: %(ids)s": "Эти люди не из этого клиента: %(ids)s",
    "Say what is to be done.": "Напишите, что нужно сделать.", "An e-mail needs its subject.": "У письма должна быть тема.",
    "Talk time cannot exceed the duration of the call.": "Разговор не может быть дольше самого звонка.",
    "Only meetings have an actual start.": "Фактическое начало бывает только у встреч.",
    "Only a meeting can be closed this way.": "Так можно закрыть только встречу.",
    "Next step %(n)s: say what is to be done.": "Следующий шаг %(n)s: напишите, что нужно сделать.",
    "Only a task can be marked done.": "Выполненной можно отметить только задачу.", "Whole timeline": "Вся лента",
    "Nothing on the timeline yet.": "В ленте пока ничего нет.", "add the number to this person": "добавить номер этому человеку",
    "Assign": "Назначить", "Log this call": "Записать звонок", "Older entries": "Более ранние записи",
    "%(m)s min late": "опоздание %(m)s мин", "Agreements": "Договорённости", "Call queue": "Очередь звонков",
    "Whose call is it?": "Чей это звонок?", "Name or phone of the person…": "Имя или телефон человека…",
    "Import a call log": "Загрузить журнал звонков", "Nothing was imported:": "Ничего не загружено:",
    "Preview — nothing is saved yet": "Предпросмотр — пока ничего не сохранено",
    "%(rows)s rows (%(encoding)s): %(created)s new calls, %(duplicates)s already imported; %(matched)s matched to people, %(unmatched)s to nobody and %(ambiguous)s to several accounts (these wait in the queue).":
    "Строк: %(rows)s (%(encoding)s): новых звонков %(created)s, уже загруженных %(duplicates)s; сопоставлено с людьми %(matched)s, ни с кем — %(unmatched)s, с несколькими клиентами — %(ambiguous)s (эти ждут в очереди).",
    ("%(counter)s bad row will be skipped:", "%(counter)s bad rows will be skipped:"):
    ("%(counter)s ошибочная строка будет пропущена:", "%(counter)s ошибочные строки будут пропущены:",
     "%(counter)s ошибочных строк будут пропущены:"),
    "Line": "Строка", "Direction": "Направление", "Outcome": "Итог", "Talk time": "Разговор",
    "The file you previewed is kept until you import it; choose another file to replace it.":
    "Просмотренный файл хранится до загрузки; выберите другой файл, чтобы заменить его.",
    "Preview": "Предпросмотр", "Import": "Загрузить",
    "Calls whose number belongs to nobody we know, or to people at several accounts. Say whose each is; its number can join the person's card so the next call matches by itself.":
    "Звонки с номеров, которых нет ни у кого из знакомых нам людей или которые есть у людей нескольких клиентов. Укажите, чей каждый звонок; номер можно добавить в карточку человека, и следующий звонок сопоставится сам.",
    "Why here": "Почему здесь", "The queue is empty: every call found its people.": "Очередь пуста: все звонки нашли своих людей.",
    "Close the meeting": "Закрыть встречу", "Done": "Выполнено", "Our participants": "Наши участники", "line": "линия",
    "Duration / talk time": "Длительность / разговор", "Recording": "Запись", "listen": "прослушать",
    "Matching": "Сопоставление", "started %(m)s min late": "началась с опозданием на %(m)s мин",
    "started on time": "началась вовремя", "Place": "Место", "%(m)s min to get there": "%(m)s мин на дорогу",
    "Video link": "Видеовстреча", "Agenda": "Повестка", "Next steps": "Следующие шаги", "From / to": "От / кому",
    "Assignee, due": "Исполнитель, срок", "Summary": "Содержание", "New entry": "Новая запись",
    "Call logged.": "Звонок записан.", "Meeting closed.": "Встреча закрыта.", "How did the meeting go?": "Как прошла встреча?",
    "The call is now on %(account)s's timeline.": "Звонок теперь в ленте клиента %(account)s.",
    "Choose the file to import.": "Выберите файл для загрузки.",
    "Your calendar": "Ваш календарь",
    "Activity": "Активность", "The period ends before it starts.": "Период заканчивается раньше, чем начинается.",
    "Punctuality and activity": "Пунктуальность и активность", "Show": "Показать", "Meetings held": "Встреч проведено",
    "Started late": "Начаты с опозданием", "Average delay, min": "Среднее опоздание, мин", "Calls made": "Исходящих звонков",
    "Missed calls": "Пропущенных звонков", "Not returned within a working day": "Не перезвонили в течение рабочего дня",
    "Accounts without contact for too long": "Клиенты без контакта слишком долго",
    ("and %(counter)s more", "and %(counter)s more"): ("и ещё %(counter)s", "и ещё %(counter)s", "и ещё %(counter)s"),
    "No managers to show.": "Нет менеджеров для показа.",
    "Without contact for too long: key accounts 14 days, repeat customers 30, one-time buyers 60, prospects 30.":
    "Без контакта слишком долго: ключевые клиенты — 14 дней, постоянные — 30, разовые — 60, потенциальные — 30.",
    "Subscribe to your private feed in Google Calendar, Outlook or Apple Calendar: meetings (with an alarm that leaves time for the journey), task deadlines and the birthdays of your clients' people. Making a new link stops the old one.":
    "Подпишитесь на свой личный календарь в Google Календаре, Outlook или Календаре Apple: встречи (с напоминанием, учитывающим дорогу), сроки задач и дни рождения людей ваших клиентов. Новая ссылка отключает старую.",
    "Make a new calendar link": "Сделать новую ссылку на календарь", "Make my calendar link": "Сделать ссылку на мой календарь",
    "Your new calendar link (copy it now; it is shown once): %(url)s": "Ваша новая ссылка на календарь (скопируйте сейчас — она показывается один раз): %(url)s",
    "Imported %(created)s calls (%(duplicates)s were already there); %(queued)s wait in the queue.":
    "Загружено звонков: %(created)s (%(duplicates)s уже были); в очереди ждут %(queued)s.",
})


# Issue 3: the meeting brief, reminders and notifications.
RU.update({
    "Brief": "Справка", "at the time": "в момент начала", "5 minutes": "за 5 минут", "15 minutes": "за 15 минут", "30 minutes": "за 30 минут", "1 hour": "за час",
    "2 hours": "за 2 часа", "1 day": "за день", "2 days": "за 2 дня",
    "Remind me before meetings, planned calls and deadlines": "Напоминать о встречах, запланированных звонках и сроках",
    "In the app, and by e-mail if it is on. Travel time to a meeting is added.":
        "В приложении и по почте, если она включена. Ко времени встречи добавляется время на дорогу.",
    "remind me before": "напоминать заранее", "reminders by e-mail": "напоминания по почте",
    "title": "заголовок", "text": "текст", "link": "ссылка", "read": "прочитано",
    "notification": "уведомление", "notifications": "уведомления", "Notifications": "Уведомления",
    ("%(counter)s unread notification", "%(counter)s unread notifications"):
    ("%(counter)s непрочитанное уведомление", "%(counter)s непрочитанных уведомления",
     "%(counter)s непрочитанных уведомлений"),
    "Mark all as read": "Отметить все прочитанными", "Reminder settings": "Настройки напоминаний",
    "Nothing yet. Reminders of meetings, calls and deadlines will appear here.":
        "Пока ничего. Здесь появятся напоминания о встречах, звонках и сроках.",
    "Purchases fell by %(percent)s%% over the last twelve months: why?":
        "Закупки за последние двенадцать месяцев упали на %(percent)s%%: почему?",
    "No orders since %(date)s: what changed?": "Нет заказов с %(date)s: что изменилось?",
    "Purchases": "Закупки", "Last 12 months": "Последние 12 месяцев", "the 12 before": "12 месяцев до того",
    "The last order was on %(date)s.": "Последний заказ был %(date)s.", "No purchases yet.": "Закупок пока не было.",
    "Main products, 12 months": "Основные товары за 12 месяцев", "Worth offering": "Стоит предложить",
    ("bought by similar clients — out of %(counter)s like this one",
     "bought by similar clients — out of %(counter)s like this one"):
    ("покупают похожие клиенты — из %(counter)s таких же", "покупают похожие клиенты — из %(counter)s таких же",
     "покупают похожие клиенты — из %(counter)s таких же"),
    "What exactly does the company do, and for whom?": "Чем именно занимается компания и для кого?",
    "Which industry are they in, and how many people work there?": "В какой они отрасли и сколько у них сотрудников?",
    "What were their revenue and headcount in %(year)s?": "Какими были выручка и численность в %(year)s году?",
    "What are their development plans for the coming year?": "Какие у них планы развития на ближайший год?",
    "What do they need that they do not buy from us yet?": "Что им нужно из того, что они ещё не покупают у нас?",
    "Whom else do they buy from, and why?": "У кого ещё они покупают и почему?",
    "Who decides on purchases?": "Кто принимает решение о закупках?",
    "Who pays and signs the contracts?": "Кто платит и подписывает договоры?",
    "Who uses our product day to day?": "Кто каждый день работает с нашим продуктом?",
    "How does %(name)s prefer to be addressed?": "Как предпочитает, чтобы к нему обращались, %(name)s?",
    "What is %(name)s's position?": "Какая должность у %(name)s?",
    "Waiting": "Ожидает", "Being sent": "Отправляется", "Sent": "Отправлено",
    "event": "событие", "remind at": "напомнить в", "minutes before": "минут до события", "state": "состояние",
    "sent": "отправлено", "by e-mail": "по почте", "reminder": "напоминание", "reminders": "напоминания",
    "Birthday: %(name)s, %(account)s": "День рождения: %(name)s, %(account)s",
    "Address as: %(form)s": "Обращение: %(form)s",
    "Meeting at %(when)s: %(subject)s, %(account)s": "Встреча %(when)s: %(subject)s, %(account)s",
    "Place: %(place)s": "Место: %(place)s", "Video: %(link)s": "Видеосвязь: %(link)s",
    "Leave by %(time)s (%(minutes)s min on the way)": "Выехать до %(time)s (%(minutes)s мин в пути)",
    "Call at %(when)s: %(subject)s, %(account)s": "Звонок %(when)s: %(subject)s, %(account)s",
    "Task due %(when)s: %(subject)s, %(account)s": "Срок задачи %(when)s: %(subject)s, %(account)s",
    "Agenda: %(agenda)s": "Повестка: %(agenda)s",
    "%(count)s reminders: %(first)s and more": "Напоминаний: %(count)s. %(first)s и другие",
    "From our side": "С нашей стороны", "Brief as of %(when)s": "Справка на %(when)s",
    "The company": "Компания", "What they do is not recorded yet.": "Чем они занимаются, пока не записано.",
    "since %(year)s": "с %(year)s года", "Change": "Изменение", "Net profit": "Чистая прибыль",
    "Employees": "Сотрудники", "Plans and needs": "Планы и потребности", "Plans": "Планы", "Needs": "Потребности",
    "Neither plans nor needs are recorded.": "Ни планы, ни потребности не записаны.",
    "Competitors there": "Конкуренты у клиента", "Who will be there": "Кто будет на встрече",
    "Who is who": "Кто есть кто", "Person": "Человек", "Role": "Роль", "Address as": "Обращение",
    "Last contact": "Последний контакт", "birthday today": "сегодня день рождения",
    ("birthday in %(counter)s day", "birthday in %(counter)s days"):
    ("день рождения через %(counter)s день", "день рождения через %(counter)s дня",
     "день рождения через %(counter)s дней"),
    "never": "не было", "Nobody known at this company yet.": "В этой компании пока никого не знаем.",
    "Last interactions": "Последние контакты", "Agreed": "Договорились", "No interactions yet.": "Контактов пока не было.",
    "Open tasks": "Открытые задачи", "Questions to ask": "Что выяснить",
    "The dossier answers everything we usually ask. Ask what has changed.":
        "Досье отвечает на все обычные вопросы. Спросите, что изменилось.",
    "PDF for printing": "PDF для печати", "Hello, %(name)s!": "Здравствуйте, %(name)s!",
    "(Late: this reminder was due at %(time)s, when reminders were not being sent.)":
        "(С опозданием: напоминание должно было прийти %(time)s, когда напоминания не отправлялись.)",
    "Read the brief": "Открыть справку к встрече",
    "Lead times and e-mail reminders are set in your profile.": "Время напоминаний и почта настраиваются в профиле.",
    "Keyaccount. Lead times and e-mail reminders are set in your profile":
        "Keyaccount. Время напоминаний и почта настраиваются в профиле",
})
# Issue 4: the pipeline, proposals.
RU.update({
    "Contracts": "Договоры", "Deals": "Сделки", "Open": "Открыта", "Won": "Выиграна", "Deal": "Сделка",
    "Tender": "Тендер", "Price": "Цена", "Went to a competitor": "Ушли к конкуренту", "Timing": "Сроки",
    "No budget": "Нет бюджета", "Electronic auction": "Электронный аукцион",
    "Open tender (contest)": "Открытый конкурс", "Request for quotations": "Запрос котировок",
    "Request for proposals": "Запрос предложений", "Single supplier": "Единственный поставщик",
    "Accepted": "Принято", "Rejected": "Отклонено", "Expired": "Истёк срок",
    "First contact": "Первый контакт", "Needs identified": "Потребности выявлены",
    "Proposal sent": "КП отправлено", "Negotiation": "Переговоры", "Contract signed": "Договор подписан",
    "Fulfilment": "Исполнение", "Feedback collected": "Обратная связь получена",
    "Without VAT": "Без НДС", "Including VAT %(rate)s %%": "В т.ч. НДС %(rate)s %%",
    "VAT %(rate)s %%": "НДС %(rate)s %%",
    "The template is larger than 10 MB.": "Шаблон больше 10 МБ.",
    "This is not a Word document (.docx).": "Это не документ Word (.docx).",
    "The template has a mistake near %(text)s: %(message)s": "Ошибка в шаблоне около %(text)s: %(message)s",
    "The template uses fields a proposal does not have: %(names)s.":
        "В шаблоне есть поля, которых нет у коммерческого предложения: %(names)s.",
    "The Word template names a field a proposal does not have: %(message)s.":
        "Шаблон Word ссылается на поле, которого нет у коммерческого предложения: %(message)s.",
    "Deal, account, tender №…": "Сделка, клиент, № тендера…", "stage": "этап", "owner": "ответственный",
    "closes from": "закрытие с", "closes by": "закрытие до", "Number, title, account…": "Номер, название, клиент…",
    "products of interest (SKUs, comma-separated)": "интересующие товары (артикулы через запятую)",
    "No product with SKU %(skus)s.": "Нет товара с артикулом %(skus)s.", "loss reason": "причина проигрыша",
    "lost to": "кому проиграли", "what the competitor offered": "что предложил конкурент",
    "loss details": "подробности", "winner (tenders)": "победитель (тендеры)",
    "winning price (tenders)": "цена победителя (тендеры)", "lines": "строки",
    "One line per row: SKU; quantity; price (empty: list price); discount %; description (empty: the "
    "product's name).": "Одна позиция в строке: артикул; количество; цена (пусто — по прайсу); скидка %; "
                         "описание (пусто — название товара).",
    "Row %(n)s: no product with SKU “%(sku)s”.": "Строка %(n)s: нет товара с артикулом «%(sku)s».",
    "Word file (.docx)": "Файл Word (.docx)", "default for its language": "по умолчанию для своего языка",
    "code": "код", "default probability, %": "вероятность по умолчанию, %", "in use": "используется",
    "stages": "этапы", "main contact": "основной контакт", "in this stage since": "на этапе с",
    "probability, %": "вероятность, %", "expected close": "ожидаемое закрытие", "closed on": "закрыта",
    "products of interest": "интересующие товары", "tender number": "номер тендера", "platform": "площадка",
    "procedure": "процедура", "submission deadline": "срок подачи заявки", "our bid": "наша цена",
    "winner": "победитель", "winning price": "цена победителя", "deal": "сделка", "deals": "сделки",
    "time in the previous stage, s": "время на прошлом этапе, с", "uploaded": "загружен",
    "proposal template": "шаблон КП", "proposal templates": "шаблоны КП", "addressed to": "адресат",
    "prepared by": "подготовил", "revision": "редакция", "document language": "язык документа",
    "VAT rate, %": "ставка НДС, %", "prices include VAT": "цены включают НДС", "valid until": "действует до",
    "sent on": "отправлено", "terms and notes": "условия и примечания", "Word template": "шаблон Word",
    "total without VAT": "сумма без НДС", "VAT": "НДС", "commercial proposal": "коммерческое предложение",
    "commercial proposals": "коммерческие предложения",
    "What do they think of proposal %(number)s (sent %(date)s)?":
        "Что думают о КП %(number)s (отправлено %(date)s)?",
    "Deal «%(title)s» was expected to close on %(date)s: what holds it?":
        "Сделку «%(title)s» ждали к %(date)s: что её держит?",
    "Tender «%(title)s»: is the bid ready for %(date)s?": "Тендер «%(title)s»: готова ли заявка к %(date)s?",
    "Tender № %(number)s": "Тендер № %(number)s",
    "Tender submission due %(when)s: %(title)s, %(account)s": "Подача заявки %(when)s: %(title)s, %(account)s",
    "No open stage is configured; an administrator adds one.":
        "Не настроено ни одного открытого этапа; его добавляет администратор.",
    "Deals are in this stage; move them before retiring it.":
        "На этом этапе есть сделки; переведите их, прежде чем отключать этап.",
    "No product with id %(ids)s.": "Нет товара с id %(ids)s.",
    "This person is not at the deal's account.": "Этот человек не работает у клиента сделки.",
    "Unknown or inactive user.": "Неизвестный или неактивный пользователь.",
    "Tender details belong to a deal of the kind 'tender'.": "Данные тендера указываются у сделки вида «тендер».",
    "A new deal starts in an open stage in use.": "Новая сделка начинается на открытом действующем этапе.",
    "New deal «%(title)s»: %(stage)s": "Новая сделка «%(title)s»: %(stage)s",
    "Say why the deal was lost.": "Укажите, почему сделка проиграна.",
    "Name the competitor the deal went to.": "Укажите конкурента, к которому ушла сделка.",
    "Describe the reason in a few words.": "Опишите причину в нескольких словах.",
    "This stage is no longer in use.": "Этот этап больше не используется.",
    "Deal «%(title)s»: %(from)s → %(to)s": "Сделка «%(title)s»: %(from)s → %(to)s",
    "The deal has proposals; close it as lost instead of deleting it.":
        "По сделке есть КП; закройте её как проигранную, а не удаляйте.",
    "A proposal needs at least one line.": "В КП нужна хотя бы одна позиция.",
    "Line %(n)s, product: choose a product from the catalog.": "Позиция %(n)s, товар: выберите товар из каталога.",
    "This deal belongs to another account.": "Эта сделка относится к другому клиенту.",
    "This person is not at the proposal's account.": "Этот человек не работает у клиента КП.",
    "The proposal cannot expire before it was sent.": "Срок действия КП не может истечь раньше отправки.",
    "A sent proposal keeps its lines; make a new revision to change them.":
        "У отправленного КП позиции не меняются; создайте новую редакцию.",
    "Proposal %(number)s sent: %(title)s": "КП %(number)s отправлено: %(title)s",
    "This proposal already has a newer revision.": "У этого КП уже есть более новая редакция.",
    "Only a draft can be deleted; a sent proposal stays on record.":
        "Удалить можно только черновик; отправленное КП остаётся в истории.",
    "Deals and proposals": "Сделки и КП", "New deal": "Новая сделка", "New proposal": "Новое КП",
    "all deals": "все сделки", "tender": "тендер", "No open deals.": "Открытых сделок нет.",
    "weighted by probability": "с учётом вероятности", "on average %(days)s d here": "в среднем %(days)s дн.",
    "%(more)s more →": "ещё %(more)s →", "Deals in progress": "Сделки в работе", "close by": "закрыть до",
    "bids due": "подача заявок", "Proposals awaiting an answer": "КП ждут ответа", "Lost this year": "Проиграно за год",
    "Stage": "Этап", "Expected close": "Ожидаемое закрытие", "Owner": "Ответственный",
    "No deals match.": "Подходящих сделок нет.", "Title": "Название", "Valid until": "Действует до",
    "No proposals match.": "Подходящих КП нет.", "Pipeline": "Воронка", "List": "Список", "Proposals": "КП",
    "Stages": "Этапы", "Main contact": "Основной контакт", "since %(since)s": "с %(since)s",
    "Products of interest": "Интересующие товары", "Description": "Описание", "Loss reason": "Причина проигрыша",
    "Submission deadline": "Срок подачи заявки", "Our bid": "Наша цена", "Winner": "Победитель",
    "Move to": "Перевести на", "Move": "Перевести", "Time in stages": "Время на этапах", "now": "сейчас",
    "days": "дн.", "Stage changes": "Смена этапов", "No proposals yet.": "КП пока нет.",
    "Account timeline": "Хроника клиента", "Board": "Доска", "Move the deal": "Перевести сделку",
    "The document could not be made": "Документ не удалось сформировать",
    "Back to the proposal": "Вернуться к КП", "Word templates": "Шаблоны Word", "Proposal": "КП",
    "Word (DOCX)": "Word (DOCX)", "New revision": "Новая редакция", "Addressed to": "Адресат",
    "Previous revision": "Предыдущая редакция", "Item": "Наименование",
    "Commercial proposals": "Коммерческие предложения", "COMMERCIAL PROPOSAL": "КОММЕРЧЕСКОЕ ПРЕДЛОЖЕНИЕ",
    "of": "от", "To": "Кому", "Attention": "Вниманию", "Unit": "Ед.", "Qty": "Кол-во", "Subtotal": "Итого",
    "Total due": "Всего к оплате", "This proposal is valid until %(date)s.": "Предложение действительно до %(date)s.",
    "Pipeline stages": "Этапы воронки", "New stage": "Новый этап", "Probability, %%": "Вероятность, %%",
    "Average days": "В среднем дней", "In use": "Используется", "Proposal templates": "Шаблоны КП",
    "Proposals are made from a Word template. Download a default one, change it in Word (keep the fields in "
    "double braces), and upload it.": "КП формируются по шаблону Word. Скачайте шаблон по умолчанию, измените "
                                      "его в Word (поля в двойных фигурных скобках сохраните) и загрузите.",
    "Default in Russian": "Шаблон на русском", "Default in English": "Шаблон на английском", "Language": "Язык",
    "Default": "По умолчанию", "Uploaded": "Загружен",
    "No templates of your own: the defaults are used.": "Своих шаблонов нет: используются шаблоны по умолчанию.",
    "Upload a template": "Загрузить шаблон", "Upload": "Загрузить", "Fields a template may use": "Поля шаблона",
    "Moved to “%(stage)s”.": "Переведено на этап «%(stage)s».", "New commercial proposal": "Новое КП",
    "Template uploaded.": "Шаблон загружен.", "Planning": "Планирование",
})

# Issue 4: contract control.
RU.update({
    "In force": "Действует", "Ended": "Истёк", "Terminated": "Расторгнут", "Ours": "Наше",
    "The client's": "Клиента", "Delivery": "Поставка", "Payment": "Оплата", "SLA review": "Проверка SLA",
    "Report": "Отчёт", "Acceptance act": "Акт приёмки", "Fulfilled": "Исполнено", "Waived": "Снято",
    "Overdue": "Просрочено", "Due within two weeks": "Срок в ближайшие две недели", "Closed": "Закрыто",
    "Number, subject, account…": "Номер, предмет, клиент…", "ends by": "заканчивается до", "whose": "чьё",
    "evidence": "подтверждение", "waybill, payment order, act…": "накладная, платёжное поручение, акт…",
    "responsible manager": "ответственный менеджер", "our party": "наша сторона", "counterparty": "контрагент",
    "value": "сумма", "starts": "начало", "ends": "окончание", "renews automatically": "пролонгируется автоматически",
    "renewal term, months": "срок пролонгации, мес.", "notice period, days": "срок уведомления, дней",
    "remind before the notice date, days": "напомнить до даты уведомления, дней", "contract": "договор",
    "contracts": "договоры", "A contract cannot end before it starts.": "Договор не может закончиться раньше начала.",
    "Contract № %(number)s": "Договор № %(number)s", "what": "что", "fulfilled on": "исполнено",
    "e.g. the waybill, the payment order, the signed act":
        "например, накладная, платёжное поручение, подписанный акт",
    "linked orders and payments": "связанные заказы и оплаты", "remind before, days": "напомнить за, дней",
    "obligation": "обязательство", "obligations": "обязательства",
    "%(title)s was due on %(date)s: what is the status?": "«%(title)s» — срок был %(date)s: что с этим?",
    "%(contract)s ends on %(date)s: renew, change or let it end?":
        "%(contract)s заканчивается %(date)s: продлить, изменить или завершить?",
    "Overdue since %(date)s: %(title)s, %(account)s": "Просрочено с %(date)s: %(title)s, %(account)s",
    "Due %(date)s: %(title)s, %(account)s": "Срок %(date)s: %(title)s, %(account)s",
    "our obligation": "наше обязательство", "the client's obligation": "обязательство клиента",
    "%(contract)s with %(account)s renews by itself on %(end)s: notice by %(date)s":
        "%(contract)s с %(account)s продлится сам %(end)s: уведомить до %(date)s",
    "%(contract)s with %(account)s ends on %(end)s: notice or renewal by %(date)s":
        "%(contract)s с %(account)s заканчивается %(end)s: уведомление или продление до %(date)s",
    "A contract that renews itself needs its end date.": "Для автопролонгации нужна дата окончания договора.",
    "This account already has a contract with this number.": "У этого клиента уже есть договор с таким номером.",
    "Obligation “%(title)s” is due on %(date)s, before this start.":
        "Обязательство «%(title)s» со сроком %(date)s — раньше этой даты начала.",
    "%(contract)s: %(subject)s": "%(contract)s: %(subject)s",
    "The contract has obligations; end or terminate it instead of deleting it.":
        "По договору есть обязательства; завершите или расторгните его вместо удаления.",
    "Attach a document or a scan: %(types)s.": "Прикрепите документ или скан: %(types)s.",
    "The file is larger than 25 MB.": "Файл больше 25 МБ.",
    "These orders are not the contract account's: %(ids)s.": "Эти заказы не относятся к клиенту договора: %(ids)s.",
    "The obligation cannot be due before the contract starts (%(date)s).":
        "Срок обязательства не может быть раньше начала договора (%(date)s).",
    "Fulfilled: %(title)s (%(contract)s)": "Исполнено: %(title)s (%(contract)s)",
    ("%(counter)s overdue", "%(counter)s overdue"):
    ("%(counter)s просрочено", "%(counter)s просрочено", "%(counter)s просрочено"),
    "New contract": "Новый договор", "all obligations": "все обязательства", "No contracts.": "Договоров нет.",
    "Contract obligations": "Обязательства по договорам",
    "%(contract)s ends on %(end)s; notice by %(notice)s.": "%(contract)s заканчивается %(end)s; уведомить до %(notice)s.",
    "Subject": "Предмет", "Starts": "Начало", "Ends": "Окончание", "Value": "Сумма",
    "Open obligations": "Открытые обязательства", "No contracts match.": "Подходящих договоров нет.", "Due": "Срок",
    "Whose": "Чьё", "Contract": "Договор", "Responsible": "Ответственный", "None.": "Нет.",
    "New obligation": "Новое обязательство", "Parties": "Стороны", "Term": "Срок действия",
    "renews by itself": "с автопролонгацией", "for %(months)s months": "на %(months)s мес.",
    "Notice by": "Уведомить до", "%(days)s days before the end": "за %(days)s дн. до окончания",
    "Obligations": "Обязательства", "Evidence": "Подтверждение", "No obligations recorded.": "Обязательств нет.",
    "Files": "Файлы", "No files attached.": "Файлов нет.", "Attach": "Прикрепить",
    "Contract control": "Контроль договоров", "All contracts": "Все договоры", "All obligations": "Все обязательства",
    "Nothing overdue.": "Просрочек нет.", "Nothing falls due in the next two weeks.":
        "В ближайшие две недели сроков нет.", "Notice dates ahead": "Предстоящие даты уведомления",
    "Renews by itself": "Автопролонгация", "No notice dates in sight.": "Ближайших дат уведомления нет.",
    "Choose a file to attach.": "Выберите файл.", "File attached.": "Файл прикреплён.",
    "Marked fulfilled.": "Отмечено как исполненное.",
})

# Issue 13, uploads: size limits, zip bombs, streamed imports.
RU.update({
    "The upload is larger than %(limit)s; send a smaller file.": "Загружаемый файл больше %(limit)s; отправьте файл поменьше.",
    "File too large": "Файл слишком большой",
    "Nothing was saved. Go back and choose a smaller file.": "Ничего не сохранено. Вернитесь и выберите файл поменьше.",
    "The file holds more than %(limit)s parts; a spreadsheet or a document has far fewer.":
        "В файле больше %(limit)s частей; в таблице или документе их гораздо меньше.",
    "“%(name)s” inside the file declares sizes that do not fit the file.":
        "«%(name)s» внутри файла указывает размеры, которые в файл не помещаются.",
    "“%(name)s” inside the file is compressed %(ratio)s to 1 (at most %(limit)s to 1 is accepted): this looks like a zip bomb.":
        "«%(name)s» внутри файла сжат в %(ratio)s раз (допускается не более чем в %(limit)s раз): похоже на zip-бомбу.",
    "The file holds another archive (“%(name)s”), which is not expected here.":
        "В файле есть другой архив («%(name)s»), здесь его быть не должно.",
    "The file unpacks to %(size)s (at most %(limit)s, and %(ratio)s times its own size, is accepted).":
        "Файл распаковывается в %(size)s (допускается не более %(limit)s и не более чем в %(ratio)s раз больше самого файла).",
    "“%(name)s” inside the file holds another size than it declares.":
        "«%(name)s» внутри файла содержит не столько данных, сколько указывает.",
    "“%(name)s” inside the file is encrypted.": "«%(name)s» внутри файла зашифрован.",
    "“%(name)s” inside the file is compressed in a way office files are not.":
        "«%(name)s» внутри файла сжат способом, которым офисные файлы не сжимают.",
    "Line %(line)s is not %(encoding)s text (%(reason)s); name the file's encoding (UTF-8 or Windows-1251).":
        "Строка %(line)s — не текст в кодировке %(encoding)s (%(reason)s); укажите кодировку файла (UTF-8 или Windows-1251).",
    "Line %(line)s is longer than %(limit)s characters: this is not a call log.":
        "Строка %(line)s длиннее %(limit)s символов: это не журнал звонков.",
    "Line %(line)s: %(error)s": "Строка %(line)s: %(error)s",
    "The file has more than %(limit)s rows, the most one import takes; split it into smaller files.":
        "В файле больше %(limit)s строк — больше, чем принимает одна загрузка; разделите его на файлы поменьше.",
    "…and %(count)s more bad rows.": "…и ещё ошибочных строк: %(count)s.",
})

# Issue 4: sales plans, account plans, weekly reports.
RU.update({
    "Month": "Месяц", "Quarter": "Квартал", "In progress": "В работе", "Dropped": "Отменено",
    "Submitted": "Сдан", "period": "период", "from the week of": "с недели", "period starts": "начало периода",
    "product category": "категория товаров", "Empty: all products": "Пусто — все товары", "plan": "план",
    "sales plan": "план продаж", "sales plans": "планы продаж",
    "A plan is for one manager or for one team.": "План ставится одному менеджеру или одной команде.",
    "target revenue": "целевая выручка", "our objectives for the year": "наши цели на год",
    "the client's goals": "цели клиента", "the client's challenges": "проблемы клиента",
    "competitor threats": "угрозы со стороны конкурентов", "last reviewed": "последний пересмотр",
    "next review": "следующий пересмотр", "account plan": "план по клиенту", "account plans": "планы по клиентам",
    "Account plan %(year)s: %(account)s": "План по клиенту на %(year)s: %(account)s", "initiative": "инициатива",
    "week of": "неделя с", "figures": "показатели", "results and highlights": "результаты и главное",
    "problems and help needed": "проблемы и нужная помощь", "plans for next week": "планы на следующую неделю",
    "submitted": "сдан", "weekly report": "еженедельный отчёт", "weekly reports": "еженедельные отчёты",
    "Week of %(date)s: %(user)s": "Неделя с %(date)s: %(user)s",
    "No decision maker is known at this account.": "У клиента не известен человек, принимающий решения.",
    "Nobody who pays is known at this account.": "У клиента не известен тот, кто платит.",
    "The relationship hangs on one person: get to know more people there.":
        "Отношения держатся на одном человеке: познакомьтесь с другими людьми у клиента.",
    "%(name)s (%(roles)s) has never been contacted.": "%(name)s (%(roles)s): ещё ни разу не связывались.",
    "%(name)s (%(roles)s) was last contacted %(days)s days ago.":
        "%(name)s (%(roles)s): последний контакт %(days)s дн. назад.",
    "No such team.": "Нет такой команды.",
    "A %(period)s starts on the first day of its first month.": "Период «%(period)s» начинается с первого дня своего "
                                                                 "первого месяца.",
    "There is already a plan for this period and category.": "План на этот период и категорию уже есть.",
    "Give a year between 2000 and 2100.": "Укажите год от 2000 до 2100.",
    "This account already has a plan for %(year)s.": "У этого клиента уже есть план на %(year)s.",
    "The next review comes after the last one.": "Следующий пересмотр должен быть позже последнего.",
    "Say what the initiative is.": "Опишите инициативу.",
    "This report was submitted; it no longer changes.": "Отчёт сдан и больше не меняется.",
    "Account plan": "План по клиенту", "Open the plan for": "Открыть план на", "Target": "Цель", "actual": "факт",
    "Actual": "Факт", "Year before": "Годом ранее", "Our objectives": "Наши цели", "The client's goals": "Цели клиента",
    "The client's challenges": "Проблемы клиента", "Competitor threats": "Угрозы конкурентов",
    "Relationship coverage": "Покрытие отношений", "never contacted": "не связывались",
    "%(days)s d ago": "%(days)s дн. назад", "Whitespace": "Белые пятна",
    "Categories similar accounts buy and this one does not": "Категории, которые покупают похожие клиенты, а этот нет",
    "%(buyers)s of %(peers)s similar accounts": "%(buyers)s из %(peers)s похожих клиентов",
    "No gaps against similar accounts.": "По сравнению с похожими клиентами пробелов нет.",
    "Proposals sent": "Отправлено КП", "Deals moved": "Сделки продвинуты", "Won / lost": "Выиграно / проиграно",
    "Obligations fulfilled": "Исполнено обязательств", "Accounts touched": "Клиентов в работе", "Meetings": "Встречи",
    "One page (PDF)": "Одна страница (PDF)", "Initiatives": "Инициативы", "Initiative": "Инициатива",
    "No initiatives yet.": "Инициатив пока нет.", "Add the initiative": "Добавить инициативу",
    "Account plans": "Планы по клиентам", "Next review": "Следующий пересмотр",
    "No account plans yet: open one from a key account's page.":
        "Планов по клиентам пока нет: откройте план со страницы ключевого клиента.",
    "Plan and actuals": "План и факт", "New sales plan": "Новый план продаж", "Weekly reports": "Еженедельные отчёты",
    "Plan, actual and forecast": "План, факт и прогноз", "Plan": "План", "Forecast": "Прогноз",
    "Forecast (actual plus the weighted pipeline)": "Прогноз (факт плюс взвешенная воронка)",
    "Manager or team": "Менеджер или команда", "Period": "Период", "Last year": "Прошлый год", "Trend": "Динамика",
    "No plans for this period.": "Планов на этот период нет.",
    "Actuals: orders (not drafts or cancellations) in the plan's currency at the manager's accounts, or the "
    "team's. The forecast adds open deals expected to close in the rest of the period, each at its probability.":
        "Факт — заказы (кроме черновиков и отмен) в валюте плана по клиентам менеджера или команды. Прогноз "
        "добавляет открытые сделки, которые ожидается закрыть до конца периода, с учётом их вероятности.",
    "Weekly report": "Еженедельный отчёт", "Save the draft": "Сохранить черновик",
    "Submit to the head of sales": "Сдать руководителю отдела продаж",
    "The figures are taken from the data again when you submit; after that the report no longer changes.":
        "При сдаче показатели берутся из данных ещё раз; после этого отчёт больше не меняется.",
    "Results and highlights": "Результаты и главное", "Problems and help needed": "Проблемы и нужная помощь",
    "Plans for next week": "Планы на следующую неделю", "Last week's report": "Отчёт за прошлую неделю",
    "This week's report": "Отчёт за эту неделю", "Week of": "Неделя с", "No reports yet.": "Отчётов пока нет.",
    "Currency": "Валюта", "Weighted pipeline": "Взвешенная воронка", "Forecast, %": "Прогноз, %",
    "Same period last year": "Тот же период год назад", "Growth, %": "Рост, %", "New account plan": "Новый план по клиенту",
    "Deals won": "Выиграно сделок", "Deals lost": "Проиграно сделок", "Submitted.": "Сдано.",
    "%(contract)s renewed until %(date)s": "%(contract)s продлён до %(date)s",
    "%(contract)s ended on %(date)s": "%(contract)s закончился %(date)s",
    "Event": "Событие", "Refresh the figures": "Обновить показатели",
    "Account plan review %(date)s: %(account)s": "Пересмотр плана по клиенту %(date)s: %(account)s",
    "Relationship gaps at %(account)s": "Пробелы в отношениях: %(account)s",
    "Tender submission": "Подача заявки", "Notice date": "Дата уведомления",
    "The Word template's file is missing; upload it again or choose another template.":
        "Файл шаблона Word не найден; загрузите его снова или выберите другой шаблон.",
    "Account plan review": "Пересмотр плана по клиенту",
    "Events are written by Keyaccount itself; log a note instead.":
        "События записывает сам Keyaccount; добавьте заметку.",
})
# Issue 5: insights.
RU.update({
    "Insights": "Аналитика",
    "last order %(days)s days ago; usually every %(gap)s days":
        "последний заказ %(days)s дн. назад; обычно раз в %(gap)s дн.",
    "revenue %(growth)+d %% in the last six months against the six before":
        "выручка %(growth)+d %% за последние полгода к предыдущим",
    "%(p)s %% chance still buying (BG/NBD)": "вероятность, что клиент ещё покупает, %(p)s %% (BG/NBD)",
    "%(on_time)s of %(due)s invoices paid on time in a year": "%(on_time)s из %(due)s счетов оплачены в срок за год",
    "%(n)s people known; decision maker %(dm)s, payer %(payer)s":
        "известно людей: %(n)s; ЛПР %(dm)s, плательщик %(payer)s",
    "known": "известен", "unknown": "неизвестен", "no contact recorded": "контактов нет",
    "last contact %(days)s days ago": "последний контакт %(days)s дн. назад",
    "%(n)s overdue contract obligations": "просроченных обязательств по договорам: %(n)s",
    "computed on": "рассчитано", "repeat customer": "постоянный клиент", "purchase days": "дней с покупками",
    "days since the last order": "дней с последнего заказа", "usual days between orders": "обычный интервал, дней",
    "total spend": "сумма покупок", "chance still buying": "вероятность, что ещё покупает",
    "expected purchases, next year": "ожидаемых покупок за год", "expected spend per purchase": "ожидаемый чек",
    "customer lifetime value, next year": "ценность клиента на год вперёд", "RFM": "RFM", "ABC": "ABC", "XYZ": "XYZ",
    "revenue growth, %": "рост выручки, %", "health": "здоровье", "health parts": "составляющие здоровья",
    "account score": "оценка клиента", "account scores": "оценки клиентов",
    "class %(abc)s%(xyz)s, %(growth)s, lifetime value %(clv)s": "класс %(abc)s%(xyz)s, %(growth)s, ценность %(clv)s",
    "growing": "растёт", "steady": "стабилен", "class C: among the smallest buyers": "класс C: среди самых мелких",
    "%(p).0f %% chance still buying": "вероятность, что ещё покупает, %(p).0f %%", "Uncategorised": "Без категории",
    "no order for %(days)s days; usually orders every %(gap)s days":
        "нет заказов %(days)s дн.; обычно заказывает раз в %(gap)s дн.",
    "chance still buying fell from %(before).0f %% to %(now).0f %%":
        "вероятность, что ещё покупает, упала с %(before).0f %% до %(now).0f %%",
    "revenue %(growth).0f %% in the last six months against the six before":
        "выручка %(growth).0f %% за последние полгода к предыдущим",
    "%(account)s may be leaving": "%(account)s может уйти", "Health and outlook": "Здоровье и прогноз",
    "as of %(day)s": "на %(day)s", "Class": "Класс", "value next year": "ценность на год",
    "Health over time": "Здоровье во времени", "Portfolio": "Портфель", "scores of %(day)s": "оценки на %(day)s",
    "No scores yet: the worker computes them every night (or kam insights refresh).":
        "Оценок пока нет: их рассчитывает фоновый процесс каждую ночь (или kam insights refresh).",
    "Accounts by status": "Клиенты по статусам",
    "The top 20 %% of customers bring this share of revenue: %(share)s":
        "Доля выручки от 20 %% крупнейших клиентов: %(share)s",
    "Treat as key": "Стоит сделать ключевыми", "No account to promote now.": "Сейчас некого повышать.",
    "Key accounts to reconsider": "Ключевые клиенты под вопросом", "Weakest health": "Слабее всего здоровье",
    "First purchases and second purchases": "Первые и повторные покупки", "New buyers": "Новых покупателей",
    "Bought again": "Купили снова", "Market indicator: what key accounts buy": "Индикатор рынка: что покупают ключевые",
    "Biggest movers": "Сильнее всего изменились", "Recompute now": "Пересчитать сейчас",
    "The scores are being recomputed; reload the page in a minute.":
        "Оценки пересчитываются; обновите страницу через минуту.",
    # Client feedback (issue 6)
    "%(n)s open complaints, %(late)s of them past their deadline": "открытых жалоб: %(n)s, из них просрочено: %(late)s",
    "Client feedback": "Обратная связь клиентов", "Feedback": "Обратная связь", "Complaint": "Жалоба", "Suggestion": "Предложение",
    "Praise": "Благодарность", "Question": "Вопрос", "Web form": "Веб-форма", "Survey": "Опрос", "Letter": "Письмо",
    "Low": "Низкая", "Normal": "Обычная", "High": "Высокая", "Critical": "Критическая",
    "Resolved, client not yet told": "Решено, клиенту ещё не сообщили", "Client informed": "Клиенту сообщили",
    "Accepted into the backlog": "Принято в план работ", "Declined": "Отклонено", "Satisfied": "Доволен",
    "Neutral": "Нейтрально", "Dissatisfied": "Недоволен", "SLA breached": "Сроки SLA нарушены",
    "Resolved, client not told": "Решено, клиенту не сообщили", "Subject, text, account…": "Тема, текст, клиент…",
    "severity": "важность", "channel": "канал", "what we told the client": "что мы ответили клиенту",
    "what was done": "что сделано", "outcome (suggestions)": "итог (для предложений)", "why": "почему",
    "how the client was told": "как сообщили клиенту", "the client's reaction": "реакция клиента",
    "what the client said": "что сказал клиент", "for one person (optional)": "для одного человека (необязательно)",
    "This is": "Это", "Tell us": "Расскажите", "Your name": "Ваше имя",
    "Your e-mail, for the answer": "Ваш e-mail для ответа",
    "The text has characters that cannot be stored.": "В тексте есть символы, которые нельзя сохранить.",
    "feedback category": "категория обращений", "feedback categories": "категории обращений",
    "first response within, hours": "первый ответ в течение, часов", "resolution within, hours": "решение в течение, часов",
    "SLA policy": "норматив SLA", "SLA policies": "нормативы SLA", "received": "получено",
    "first response due": "первый ответ до", "resolution due": "решение до", "first response": "первый ответ",
    "resolved": "решено", "client informed": "клиенту сообщили", "informed by": "сообщил",
    "informed how": "как сообщили", "client's reaction": "реакция клиента",
    "what the client said to it": "что клиент ответил", "closed": "закрыто", "feedback": "обращение",
    "revoked": "отозвана", "submissions": "обращений", "All": "Все", "nobody": "никто", "no category": "без категории",
    "“%(subject)s” is still open: what can we tell them today?":
        "«%(subject)s» ещё не решено: что мы можем сказать сегодня?",
    "“%(subject)s” was resolved but the client has not been told: tell them at this meeting.":
        "«%(subject)s» решено, но клиенту не сообщили: скажите на этой встрече.",
    "Tell the client what was done: %(feedback)s, %(account)s": "Сообщите клиенту, что сделано: %(feedback)s, %(account)s",
    "First response overdue since %(when)s: %(feedback)s, %(account)s":
        "Первый ответ просрочен с %(when)s: %(feedback)s, %(account)s",
    "First response due %(when)s: %(feedback)s, %(account)s": "Первый ответ до %(when)s: %(feedback)s, %(account)s",
    "Resolution overdue since %(when)s: %(feedback)s, %(account)s":
        "Решение просрочено с %(when)s: %(feedback)s, %(account)s",
    "Resolution due %(when)s: %(feedback)s, %(account)s": "Решение до %(when)s: %(feedback)s, %(account)s",
    "This belongs to another account.": "Это относится к другому клиенту.", "Unknown category.": "Неизвестная категория.",
    "Feedback cannot be received in the future.": "Обращение не может быть получено в будущем.",
    "%(kind)s received (%(channel)s): %(subject)s": "%(kind)s (%(channel)s): %(subject)s",
    "%(kind)s from %(account)s: %(subject)s": "%(kind)s от %(account)s: %(subject)s",
    "Assigned to you: %(feedback)s, %(account)s": "Поручено вам: %(feedback)s, %(account)s",
    "This feedback is already closed.": "Это обращение уже закрыто.",
    "The client has already been told the outcome.": "Клиенту уже сообщили итог.", "Say what was done.": "Укажите, что сделано.",
    "Say whether the suggestion was accepted, declined or done.": "Укажите, принято ли предложение, отклонено или выполнено.",
    "Say why it was declined: the client will hear it.": "Укажите, почему отклонено: клиент это услышит.",
    "Only suggestions have an outcome.": "Итог бывает только у предложений.",
    "Resolve it first: the client is told what was done.": "Сначала решите: клиенту сообщают, что сделано.",
    "Say how the client was told: a call, a meeting, an e-mail, a letter.":
        "Укажите, как сообщили клиенту: звонок, встреча, e-mail, письмо.",
    "The client cannot be told before it was resolved.": "Нельзя сообщить клиенту раньше, чем решено.",
    "This moment is in the future.": "Этот момент в будущем.",
    "Client informed of the outcome: %(subject)s": "Клиенту сообщили итог: %(subject)s",
    "The client has not been told the outcome yet: record how and when they were informed before closing.":
        "Клиенту ещё не сообщили итог: прежде чем закрыть, отметьте, как и когда ему сообщили.",
    "This person belongs to another account.": "Этот человек работает у другого клиента.", "The date has passed.": "Дата прошла.",
    "Complaints and suggestions": "Жалобы и предложения", "Record": "Записать", "feedback links": "ссылки для отзывов",
    "all": "все", "Nothing recorded.": "Ничего не записано.",
    "Open complaints and suggestions": "Открытые жалобы и предложения", "Received": "Получено", "Kind": "Тип",
    "Severity": "Важность", "Assignee": "Исполнитель", "Resolution due": "Решить до", "Nothing matches.": "Ничего не найдено.",
    "Resolved": "Решено", "Heard rate, %%": "Услышаны, %%", "Hours to respond": "Часов до ответа",
    "Hours to resolve": "Часов до решения", "Breaches": "Нарушения", "Repeats": "Повторные",
    "Nothing received in this period.": "За этот период ничего не поступало.", "First response": "Первый ответ",
    "not yet": "ещё нет", "Resolution": "Решение",
    "not yet: the loop is not closed until the client hears what was done":
        "ещё нет: круг не замкнут, пока клиент не услышит, что сделано",
    "1. First response": "1. Первый ответ", "Responded": "Ответили", "2. Resolution": "2. Решение",
    "3. Tell the client": "3. Сообщить клиенту", "4. Close": "4. Закрыть", "Close": "Закрыть", "Reopen": "Открыть снова",
    "Are clients heard?": "Слышим ли мы клиентов?",
    "Received from %(start)s to %(end)s. Heard rate: of what was resolved, the share whose client was told the outcome.":
        "Поступило с %(start)s по %(end)s. Доля услышанных: из решённых — доля тех, кому сообщили итог.",
    "heard rate": "доля услышанных", "complaints": "жалоб", "hours to the first response": "часов до первого ответа",
    "hours to the resolution": "часов до решения", "SLA breaches: response / resolution": "нарушения SLA: ответ / решение",
    "repeat complaints": "повторных жалоб", "By manager": "По менеджерам", "By category": "По категориям",
    "Complaints by month and category": "Жалобы по месяцам и категориям", "Complaints by month": "Жалобы по месяцам",
    "No complaints in this period.": "За этот период жалоб нет.", "Feedback links": "Ссылки для отзывов",
    "Anyone with the link can write to you without signing in: send it by e-mail or print it as a QR code. "
    "What they write lands on this account, assigned to its manager.":
        "Любой, у кого есть ссылка, может написать вам без входа в систему: отправьте её по e-mail или напечатайте "
        "QR-кодом. Обращение попадёт к этому клиенту и будет поручено его менеджеру.",
    "For": "Для", "Address": "Адрес", "Submissions": "Обращений", "everyone at the account": "всех сотрудников клиента",
    "expired": "истекла", "Revoke": "Отозвать", "No links yet.": "Ссылок пока нет.", "New link": "Новая ссылка",
    "Create the link": "Создать ссылку", "We are listening": "Мы слушаем",
    "Tell us what went wrong, what we could do better, or what you liked. Your manager at %(company)s reads every "
    "message and will tell you what was done.":
        "Расскажите, что пошло не так, что мы могли бы сделать лучше или что вам понравилось. Ваш менеджер в "
        "%(company)s читает каждое сообщение и расскажет, что сделано.",
    "Too many messages from here in a short time. Please try again in a few minutes.":
        "Слишком много сообщений отсюда за короткое время. Попробуйте через несколько минут.",
    "Send": "Отправить", "This link no longer works": "Эта ссылка больше не работает",
    "Ask your manager for a new one.": "Попросите у менеджера новую.", "Thank you": "Спасибо",
    "Your message has reached your manager. You will hear what was done.":
        "Ваше сообщение получил менеджер. Вы узнаете, что сделано.",
    "New complaint or suggestion": "Новая жалоба или предложение",
    "The link is ready: send it or print its address as a QR code.":
        "Ссылка готова: отправьте её или напечатайте адрес QR-кодом.",
    "The link no longer works.": "Ссылка больше не работает.",
    ("%(counter)s open", "%(counter)s open"): ("%(counter)s открытое", "%(counter)s открытых", "%(counter)s открытых"),
    # Support desk (issue 6)
    "Waiting for the user": "Ждём пользователя", "Solved": "Решено", "Urgent": "Срочно", "From the user": "От пользователя",
    "Our reply": "Наш ответ", "Internal note": "Внутренняя заметка", "Subject, account…": "Тема, клиент…",
    "priority": "приоритет", "mine": "мои", "what the user says": "что пишет пользователь", "reply": "ответ",
    "then": "затем", "wait for the user": "ждать пользователя", "solved": "решено", "keep open": "оставить открытым",
    "internal note": "внутренняя заметка", "whose it is": "чьё это", "reply to": "адрес для ответа",
    "support ticket": "обращение в поддержку", "support tickets": "обращения в поддержку",
    "Give the ticket a subject.": "Укажите тему обращения.", "Unknown priority.": "Неизвестный приоритет.",
    "Write something.": "Напишите что-нибудь.", "The text is too long.": "Текст слишком длинный.",
    "Support ticket %(ref)s from %(who)s: %(subject)s": "Обращение в поддержку %(ref)s от %(who)s: %(subject)s",
    "A reply leaves the ticket open, waiting or solved.": "После ответа обращение остаётся открытым, ждёт пользователя или решено.",
    "Support ticket %(ref)s solved: %(subject)s": "Обращение в поддержку %(ref)s решено: %(subject)s",
    "(no subject)": "(без темы)", "(empty message)": "(пустое письмо)",
    "This e-mail is already a ticket.": "Это письмо уже стало обращением.", "Ticket": "Обращение", "User": "Пользователь",
    "Priority": "Приоритет", "No tickets match.": "Обращений не найдено.",
    "Support tickets of the users": "Обращения пользователей в поддержку", "New ticket": "Новое обращение",
    "No tickets.": "Обращений нет.", "Support desk": "Служба поддержки", "Reply to the user": "Ответить пользователю",
    "Send the reply": "Отправить ответ", "Add the note": "Добавить заметку",
    ("%(counter)s e-mail from an unknown address", "%(counter)s e-mails from unknown addresses"):
    ("%(counter)s письмо с неизвестного адреса", "%(counter)s письма с неизвестных адресов",
     "%(counter)s писем с неизвестных адресов"),
    "E-mails from unknown addresses": "Письма с неизвестных адресов",
    "Nobody at any account has these addresses. Say whose each is and it becomes their ticket (add the address to "
    "the person so the next one finds them by itself).":
        "Таких адресов нет ни у кого из клиентов. Укажите, чьё каждое письмо, и оно станет обращением этого человека "
        "(добавьте адрес человеку, чтобы следующее письмо нашло его само).",
    "Make it their ticket": "Сделать обращением", "Nothing waiting.": "Ничего не ждёт.",
    "New support ticket": "Новое обращение в поддержку", "Support": "Поддержка",
    # Loyalty (issue 6)
    "Events of the VIP club": "Мероприятия VIP-клуба", "Backlog of accepted suggestions": "Принятые предложения в работе",
    "Loyalty": "Лояльность", "Invited": "Приглашён", "Coming": "Придёт", "Not coming": "Не придёт", "Came": "Пришёл",
    "Did not come": "Не пришёл", "tier": "уровень", "until (empty: until cleared)": "до (пусто: пока не снят)",
    "new client": "новый клиент", "places": "мест", "rank": "порядок", "higher is better": "чем больше, тем выше",
    "revenue at least": "выручка не менее", "over the last, months": "за последние, месяцев",
    "buying for at least, months": "покупает не менее, месяцев", "key accounts only": "только ключевые клиенты",
    "discount in proposals, %": "скидка в КП, %", "personal manager": "персональный менеджер",
    "priority support": "приоритетная поддержка", "exclusive offers": "эксклюзивные предложения", "VIP club": "VIP-клуб",
    "loyalty tier": "уровень лояльности", "loyalty tiers": "уровни лояльности", "set by hand": "задан вручную",
    "set by hand until": "задан вручную до", "VIP club event": "мероприятие VIP-клуба",
    "VIP club events": "мероприятия VIP-клуба", "recommended by": "кто порекомендовал",
    "%(account)s is now %(tier)s": "%(account)s теперь на уровне «%(tier)s»",
    "%(account)s moved down to %(tier)s": "%(account)s опустился до уровня «%(tier)s»",
    "By the rules of %(tier)s.": "По правилам уровня «%(tier)s».", "Say why the tier is set by hand.":
        "Укажите, почему уровень задан вручную.", "Back to the rules of the tiers.": "Снова по правилам уровней.",
    "A client cannot recommend itself.": "Клиент не может порекомендовать сам себя.",
    "This client's recommendation is already recorded.": "Рекомендация этого клиента уже записана.",
    "This date is in the future.": "Эта дата в будущем.", "Recommended us to %(account)s": "Порекомендовал нас: %(account)s",
    "The event has %(n)s places; %(taken)s are taken.": "На мероприятии %(n)s мест; занято %(taken)s.",
    "Unknown status.": "Неизвестный статус.", "The event has not taken place yet.": "Мероприятие ещё не прошло.",
    "Follow up with %(person)s after “%(event)s”": "Связаться с %(person)s после «%(event)s»",
    "recommended us to…": "порекомендовал нас…", "tiers": "уровни",
    "%(discount)s %% off in proposals": "скидка %(discount)s %% в КП", "no discount": "без скидки",
    "Came recommended by": "Пришёл по рекомендации", "Recommended us to": "Порекомендовал нас",
    "Set the tier by hand": "Задать уровень вручную", "Set": "Задать", "Back to the rules": "Вернуть правила",
    "%(n)s places": "%(n)s мест", "follow-up task set": "задача на связь поставлена", "Nobody invited yet.":
        "Пока никого не пригласили.", "Invite the VIP club's people": "Пригласить участников VIP-клуба",
    "Invite": "Пригласить", "Tier": "Уровень", "Rules": "Правила", "Perks": "Привилегии",
    "revenue over %(months)s months at least": "выручка за %(months)s мес. не менее",
    "buying for %(months)s months": "покупает %(months)s мес.", "resolved within %(hours)s h": "решение за %(hours)s ч",
    "No events planned.": "Мероприятий не запланировано.", "New event": "Новое мероприятие", "Referrals": "Рекомендации",
    "Recommended by": "Порекомендовал", "New client": "Новый клиент", "Bought since": "Купил с тех пор",
    "No referrals recorded.": "Рекомендаций не записано.", "Recent tier changes": "Последние смены уровней",
    "No tiers computed yet.": "Уровни ещё не рассчитаны.", "Recommended us to…": "Порекомендовал нас…",
    # Surveys (issue 6)
    "NPS: would you recommend us? (0–10)": "NPS: порекомендуете ли нас? (0–10)",
    "CSAT: how satisfied are you? (1–5)": "CSAT: насколько вы довольны? (1–5)", "Sent by hand": "Отправлен вручную",
    "A deal reached fulfilment or feedback": "Сделка дошла до исполнения или отзыва",
    "The key accounts' regular survey": "Регулярный опрос ключевых клиентов", "person": "человек",
    "Your score": "Ваша оценка", "Anything to add?": "Хотите что-то добавить?", "why it was sent": "почему отправлен",
    "sent to": "кому отправлен", "answer by": "ответить до", "score": "оценка", "comment": "комментарий",
    "survey": "опрос", "surveys": "опросы", "%(company)s asks: how are we doing?": "%(company)s спрашивает: как мы работаем?",
    "Surveys go only to people with an e-mail and an active consent to surveys.":
        "Опросы отправляются только тем, у кого есть e-mail и действующее согласие на опросы.",
    "Choose NPS or CSAT.": "Выберите NPS или CSAT.",
    "This person has already been asked about this deal.": "Этого человека уже спрашивали об этой сделке.",
    "This survey has already been answered. Thank you!": "На этот опрос уже ответили. Спасибо!",
    "This survey has closed.": "Опрос закрыт.", "Choose a score from %(low)s to %(high)s.": "Выберите оценку от %(low)s до %(high)s.",
    "The comment is too long.": "Комментарий слишком длинный.",
    "%(kind)s answer from %(person)s: %(score)s": "Ответ %(kind)s от %(person)s: %(score)s",
    "Low score in a survey: %(score)s of %(high)s": "Низкая оценка в опросе: %(score)s из %(high)s",
    "(no comment)": "(без комментария)", "Response rate, %%": "Ответили, %%",
    "No surveys in this period.": "За этот период опросов не было.", "Dear %(address)s,": "%(address)s, здравствуйте!",
    "How likely are you to recommend %(company)s to a colleague, from 0 (not at all) to 10 (certainly)?":
        "Насколько вероятно, что вы порекомендуете %(company)s коллеге, от 0 (точно нет) до 10 (обязательно)?",
    "How satisfied are you with working with %(company)s, from 1 (not at all) to 5 (completely)?":
        "Насколько вы довольны работой с %(company)s, от 1 (совсем нет) до 5 (полностью)?",
    "Answer": "Ответить", "The link works until %(date)s. Your manager reads every answer.":
        "Ссылка действует до %(date)s. Ваш менеджер читает каждый ответ.",
    "One click to answer:": "Ответить в один клик:", "How are we doing?": "Как мы работаем?",
    "answered / sent": "ответили / отправлено", "response rate": "доля ответов", "NPS by month": "NPS по месяцам",
    "By account": "По клиентам", "Latest surveys": "Последние опросы", "Score": "Оценка", "Comment": "Комментарий",
    "complaint": "жалоба", "No surveys sent yet.": "Опросов пока не было.", "The survey is on its way.": "Опрос отправлен.",
    "Send a survey": "Отправить опрос",
    # Issue 13, sandbox part: the check of user templates, the proposal templates page.
    "The template is too long: it has more than %(limit)s fields and tags.":
    "Шаблон слишком длинный: в нём больше %(limit)s полей и тегов.",
    "The template may not use %(names)s.": "В шаблоне нельзя использовать %(names)s.",
    "The template nests brackets or tags too deeply.": "В шаблоне слишком глубоко вложены скобки или теги.",
    "The template uses fields that are not available: %(names)s.": "В шаблоне есть недоступные поля: %(names)s.",
    "Calls are not allowed: %(names)s.": "Вызовы запрещены: %(names)s.",
    "Arithmetic, string formatting and joining are not allowed: %(names)s.":
    "Вычисления, форматирование и склейка строк запрещены: %(names)s.",
    "These filters are not allowed: %(names)s.": "Эти фильтры запрещены: %(names)s.",
    "These tests are not allowed: %(names)s.": "Эти проверки запрещены: %(names)s.",
    "These tags are not allowed: %(names)s.": "Эти теги запрещены: %(names)s.",
    "A loop may only go over a list field, one loop deep: %(names)s.":
    "Цикл может идти только по полю-списку и без вложенных циклов: %(names)s.",
    "These expressions are not allowed: %(names)s.": "Эти выражения запрещены: %(names)s.",
    "Your company: its name and details (address, bank account).":
    "Ваша компания: название и реквизиты (адрес, банковский счёт).",
    "The client: name, INN, KPP and postal (or legal) address.":
    "Клиент: название, ИНН, КПП и почтовый (или юридический) адрес.",
    "The person the proposal is addressed to, and how to address them.":
    "Кому адресовано предложение и как к этому человеку обращаться.",
    "The proposal: number, revision, date, valid until, title, terms and status.":
    "Само предложение: номер, редакция, дата, срок действия, название, условия и статус.",
    "The line items, one per product; print them in a loop (see below).":
    "Строки предложения, по одной на товар; выводятся в цикле (см. ниже).",
    "The manager who owns the proposal.": "Менеджер, который ведёт предложение.",
    "Sum of the lines.": "Сумма строк.", "Total without VAT.": "Итого без НДС.", "The VAT amount.": "Сумма НДС.",
    "Total due.": "Всего к оплате.",
    "How VAT is worded: without VAT, VAT on top, or VAT included, with the rate.":
    "Как указан НДС: без НДС, НДС сверху или в том числе НДС, со ставкой.",
    "The VAT rate, in per cent.": "Ставка НДС в процентах.", "Total due in words.": "Сумма к оплате прописью.",
    "The currency code, e.g. RUB.": "Код валюты, например RUB.",
    "The Word template does things a proposal template may not; correct it and upload it again.":
    "Шаблон Word делает то, что шаблону КП не разрешено; исправьте его и загрузите снова.",
    "The Word template could not be filled: %(message)s.": "Не удалось заполнить шаблон Word: %(message)s.",
    "Write a field in double braces where its value should appear, and a part of a group after a dot:":
    "Напишите поле в двойных фигурных скобках там, где должно стоять его значение, а часть группы — через точку:",
    "Amounts and dates arrive formatted in the proposal's language.":
    "Суммы и даты приходят уже оформленными на языке предложения.",
    "Field": "Поле", "Parts": "Части", "What it is": "Что это", "What else a template may do": "Что ещё можно в шаблоне",
    "Show a text only when a field is filled:": "Показать текст, только если поле заполнено:",
    "Comparisons and the words and, or, not are allowed:": "Можно сравнивать и использовать слова and, or, not:",
    "Line items: in a table, a row holding only the loop's start, a row with the line's fields, and a row holding "
    "only its end:": "Строки предложения: в таблице строка только с началом цикла, строка с полями строки и строка "
                     "только с концом цикла:",
    "Inside the loop the row number is": "Номер строки внутри цикла —",
    "Filters that change a text:": "Фильтры, меняющие текст:", "for example": "например",
    "Anything else is refused when the template is uploaded, with its name: calculations, calls, other filters, "
    "names starting with an underscore, and the tags set, macro, include, import, extends.":
    "Всё остальное отклоняется при загрузке шаблона с указанием, что именно: вычисления, вызовы, другие фильтры, "
    "имена с подчёркиванием в начале и теги set, macro, include, import, extends.",
    "Example": "Пример", "Commercial proposal": "Коммерческое предложение",
    # Issue 13, perimeter: API tokens, sign-in limits.
    "Revoke the selected tokens": "Отозвать выбранные токены", "What is it for?": "Для чего он?",
    "A name you will recognise, such as “1C exchange” or “reports script”.":
        "Название, по которому вы его узнаете, например «Обмен с 1С» или «Скрипт отчётов».",
    "A token's name has at most %(limit)d characters.": "Название токена — не длиннее %(limit)d символов.",
    "A token's name is one line of text.": "Название токена — одна строка текста.",
    "A token's name may not start with “%(prefix)s”: prefixes do.":
        "Название токена не может начинаться с «%(prefix)s»: так начинаются префиксы.",
    "There is already a live token called “%(name)s”: choose another name or revoke that one first.":
        "Действующий токен «%(name)s» уже есть: выберите другое название или сначала отзовите тот.",
    ("Sign-in from your address is paused for %(minutes)s minute. Try again later or ask an administrator.",
     "Sign-in from your address is paused for %(minutes)s minutes. Try again later or ask an administrator."): (
        "Вход с вашего адреса приостановлен на %(minutes)s минуту. Попробуйте позже или обратитесь к администратору.",
        "Вход с вашего адреса приостановлен на %(minutes)s минуты. Попробуйте позже или обратитесь к администратору.",
        "Вход с вашего адреса приостановлен на %(minutes)s минут. Попробуйте позже или обратитесь к администратору."),
    "Programs that work with Keyaccount on your behalf (a 1C exchange, a reporting script) sign in with a token.":
        "Программы, которые работают с Keyaccount от вашего имени (обмен с 1С, скрипт отчётов), входят по токену.",
    "Your API tokens": "Ваши токены API",
    "A program that calls the Keyaccount API on your behalf sends one of these tokens and can do whatever you can. "
    "Give each program its own token and revoke the ones no longer used.":
        "Программа, которая обращается к API Keyaccount от вашего имени, передаёт один из этих токенов и может всё то же, "
        "что и вы. Дайте каждой программе свой токен и отзывайте те, что больше не нужны.",
    "Your new token. Copy it now: it is shown only this once.":
        "Ваш новый токен. Скопируйте его сейчас: он показывается только один раз.",
    "The new token": "Новый токен", "Send it as “Authorization: Bearer <token>”.":
        "Передавайте его в заголовке «Authorization: Bearer <токен>».",
    "Make a token": "Создать токен", "Starts with": "Начинается с", "Made": "Создан", "Last used": "Последнее использование",
    "revoked %(date)s": "отозван %(date)s", "You have no API tokens.": "У вас нет токенов API.",
    "The token %(prefix)s… no longer works.": "Токен %(prefix)s… больше не действует.",
})

# Issue 13: personal data erasure that really erases, and the export of a person's data.
RU.update({
    "[erased]": "[удалено]",
    "This person's data was already erased on %(date)s.": "Персональные данные этого человека уже удалены %(date)s.",
    "The person's personal data was erased.": "Персональные данные удалены.",
    "The name, phones, e-mails and birthday are also replaced by “[erased]” wherever they are written: the history of changes, the timeline and imported calls (which stay, no longer linked to the person), complaints, tickets and mail, surveys, deals, proposals, contracts, notes and notifications. This cannot be undone; export the data first if the person asked for a copy.":
        "Имя, телефоны, e-mail и дата рождения заменяются на «[удалено]» везде, где они записаны: в истории изменений, в ленте и импортированных звонках (звонки остаются, но больше не связаны с человеком), в жалобах, обращениях и письмах, опросах, сделках, КП, договорах, заметках и уведомлениях. Отменить это нельзя; если человек просил копию своих данных, сначала выгрузите их.",
})

# Issue 13, the API and the access rule: references, the calendar span, assignees, the typed brief.
RU.update({
    "notice by %(date)s": "уведомить до %(date)s",
    "No such record, or one you may not see.": "Такой записи нет или она вам недоступна.",
    "Give a date between %(first)s and %(last)s.": "Укажите дату с %(first)s по %(last)s.",
    "No such record: %(id)s.": "Записи с номером %(id)s нет.",
    "awaiting an answer": "ждёт ответа",
    "%(user)s does not work this account's feedback.": "%(user)s не работает с обращениями этого клиента.",
    "%(user)s does not work this account's tickets.": "%(user)s не работает с заявками этого клиента.",
    "No such person, or one you may not see.": "Такого человека нет или он вам недоступен.",
    "Only people of VIP club accounts are invited; not in the club: %(names)s.":
        "Приглашаются только люди клиентов из VIP-клуба; не в клубе: %(names)s.",
    "%(count)s orders": "заказов: %(count)s",
    "%(count)s orders; the 12 before: %(previous)s": "заказов: %(count)s; за 12 месяцев до того: %(previous)s",
    "The last order": "Последний заказ",
    "bought by %(buyers)s of %(neighbours)s similar clients": "покупают %(buyers)s из %(neighbours)s похожих клиентов",
    "Relationship gaps": "Пробелы в отношениях",
    "%(name)s does not work this account's contracts.": "%(name)s не работает с договорами этого клиента.",
    "%(names)s cannot see this account.": "Этот клиент недоступен: %(names)s.",
    "%(name)s cannot see this account.": "%(name)s не видит этого клиента.",
})

# Messages with a context (pgettext, {% translate ... context ... %}): (context, message) -> Russian.
RU_CONTEXT = {
    ("weekly reports", "Reports"): "Отчёты",
}


def main() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        translation = RU_CONTEXT.get((message.context, message.id)) if message.context else RU.get(message.id)
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
