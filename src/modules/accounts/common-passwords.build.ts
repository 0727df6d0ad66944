// Builds `common-passwords.txt`: `node src/modules/accounts/common-passwords.build.ts`.
// Deterministic: the most-used passwords of public breach statistics (written out below), the
// Russian-speaking world's favourites in Cyrillic and as typed on a Latin keyboard layout
// ("пароль" → "gfhjkm"), keyboard walks, and the systematic variants people make of them (a word
// plus a year, a name plus digits). Passwords are compared lower-cased, so the list is lower-case.
import fs from 'node:fs';

/** The top of the published lists (RockYou, SplashData, NordPass, the 2014 Mail.ru/Yandex leaks). */
const TOP = `
123456 password 123456789 12345678 12345 qwerty 1234567 111111 1234567890 123123 abc123 1234
password1 iloveyou 1q2w3e4r 000000 qwerty123 zaq12wsx dragon sunshine princess letmein 654321
monkey 27653 1qaz2wsx 123321 qwertyuiop superman asdfghjkl 666666 555555 7777777 123qwe zxcvbnm
1q2w3e qwe123 gfhjkm 112233 qazwsx 147258369 159753 aaaaaa 987654321 q1w2e3r4 1111111 zxcvbn
asdfgh 11111111 121212 football baseball welcome admin admin123 master shadow michael jennifer
hunter2 trustno1 batman access hello charlie donald freedom whatever qazwsxedc passw0rd mustang
jordan23 harley ranger buster soccer hockey killer george andrew tigger robert thomas jessica
pepper daniel joshua maggie starwars silver william dallas yankees 696969 hannah bailey 1qazxsw2
ashley matthew jordan 123abc loveme nicole michelle chelsea liverpool arsenal barcelona realmadrid
summer winter spring autumn computer internet samsung iphone google yandex apple microsoft
cookie flower rainbow butterfly secret lovely angel angels babygirl baby family friends forever
purple orange yellow banana cheese chocolate pokemon naruto minecraft fortnite roblox zxcvbnm123
qwerty1 qwerty12 qwerty1234 qwerty12345 q1w2e3r4t5 q1w2e3r4t5y6 1q2w3e4r5t 1q2w3e4r5t6y zaq1xsw2
1234qwer qwer1234 asdf1234 1234asdf abcd1234 abcdef abcdefg abcdefgh a1b2c3d4 a123456 a12345678
aa123456 qq123456 1a2b3c4d password123 password12 password! p@ssw0rd p@ssword pa$$w0rd passwort
motdepasse contrasena parola haslo wachtwoord salasana lozinka heslo jelszo parool senha
changeme default guest test test123 testing temp temp123 root toor administrator user login
123456a 123456q 123456qwerty 123qweasd 123qweasdzxc qweasdzxc qweasd zxcasdqwe 1qaz2wsx3edc
147258 147852 258456 159357 741852963 963852741 789456123 789456 456789 987654 123654 321654
1231234 12341234 123123123 12344321 1234554321 0987654321 5201314 520520 1314520 888888 999999
123456789a 123456789q 1234567a 12345678a 12345qwert 12345qwerty 11223344 112233445566 55555555
66666666 77777777 88888888 99999999 00000000 12121212 13131313 101010 131313 202020 212121
abc12345 abcabc qweqwe asdasd zxczxc qweasd123 asd123 zxc123 qaz123 wsx123 edc123 123zxc
iloveu iloveyou1 iloveyou2 ilovu loveyou love123 lovelove mylove truelove sweetheart sweety
princess1 angel1 monkey1 dragon1 shadow1 master1 killer1 sunshine1 football1 baseball1
letmein1 welcome1 welcome123 hello123 admin1 admin12 admin1234 administrator1 root123 pass123
pass1234 pass passpass mypass mypassword newpassword oldpassword password2 password3 secret123
`;

/** Russian words as they are used for passwords; each also goes in as typed on a Latin layout. */
const RUSSIAN = `
пароль йцукен йцукенг фыва фывапролджэ ячсмит любовь люблю любимая любимый солнышко солнце
котик котенок кошка киска зайка зайчик зая рыбка малыш малышка привет ангел ангелочек
наташа марина максим сергей андрей александр алексей дмитрий анастасия екатерина татьяна
ольга елена ирина светлана наталья юлия мария анна дарья людмила надежда вера галина
владимир михаил николай игорь евгений олег роман денис иван павел артем виктор юрий
антон кирилл никита егор константин вадим станислав василий борис геннадий
россия москва питер спартак зенит цска динамо локомотив родина победа счастье удача
мама папа сын дочь семья бабушка дедушка друг подруга дружба пушистик барсик мурзик
шарик бобик машина компьютер интернет секрет ключ защита доступ админ хозяин король
королева принцесса царь бог свобода жизнь мечта звезда весна лето осень зима небо море
`;

/** Names and words that, with a year or digits appended, fill the middle of every breach list. */
const NAMES = `
alex alexander alexandr alexey andrey andrei anton artem artur boris denis dima dmitry egor
evgeny igor ivan kirill konstantin kostya maksim maxim misha mikhail nikita nikolay oleg pavel
roma roman sasha sergey sergei slava stas vadim valera vanya vitaly vova vladimir yura yuri
anna anya dasha daria ekaterina elena galina inna irina julia yulia katya katerina kristina
lena lida liza lyuba marina masha maria natasha natalia nastya anastasia olga olya sveta
svetlana tanya tatiana valya vera viktoria vika zhenya oksana alina alena polina sofia
michael chris david james john robert william richard joseph charles thomas daniel matthew
anthony mark steven paul kevin brian jason jeff ryan eric jacob mary patricia jennifer linda
elizabeth barbara susan jessica sarah karen nancy lisa betty emily amanda melissa ashley
jordan taylor tiger lucky money dragon monkey shadow master killer angel love princess
sunshine football soccer hockey baseball summer winter qwerty admin pass password test
spartak zenit cska dinamo moscow russia samsung nokia sony apple google yandex vkontakte
odnoklassniki mail rambler klaster marishka vitalik sashka serega maksimka natali
`;

const KEYBOARD_WALKS = `
qwertyu qwertyui qwertyuiop[] asdfg asdfghj asdfghjk asdfghjkl; zxcvb zxcvbnm, qazwsxedcrfv
1qaz 2wsx 3edc 1qaz2wsx3edc4rfv zaq1 zaq12wsx xsw2 cde3 qweasdzxc123 poiuytrewq lkjhgfdsa
mnbvcxz 0987654321 9876543210 1234567890-= !qaz2wsx !qaz@wsx 1q2w3e4r5t6y7u8i 1qa2ws3ed
q1w2e3 q1w2e3r4t5y6u7 a1s2d3f4 z1x2c3v4 qwe123qwe asd123asd 123ewq 321ewq ewq321 ytrewq
`;

const SUFFIXES = [
  '1',
  '12',
  '123',
  '1234',
  '12345',
  '123456',
  '!',
  '1!',
  '123!',
  '01',
  '007',
  '69',
  '77',
  '88',
  '99',
  '00',
  '11',
  '13',
  '21',
  '22',
  '23',
  '777',
  '666',
  '111',
  '2000',
  '321',
  'qwerty',
  '_1',
];
const YEARS = Array.from({ length: 2026 - 1960 + 1 }, (_, i) => String(1960 + i));

// Russian ЙЦУКЕН keys → the Latin letters on the same keys (QWERTY).
const RU = 'йцукенгшщзхъфывапролджэячсмитьбюё';
const EN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";

function latinLayout(word: string): string {
  return [...word].map((ch) => EN[RU.indexOf(ch)] ?? ch).join('');
}

function words(block: string): string[] {
  return block.split(/\s+/).filter(Boolean);
}

export function buildCommonPasswords(): string[] {
  const out = new Set<string>();
  const add = (value: string) => out.add(value.toLowerCase());

  for (const word of words(TOP)) add(word);
  for (const word of words(KEYBOARD_WALKS)) add(word);
  for (const word of words(RUSSIAN)) {
    add(word);
    add(latinLayout(word));
  }
  // Repeated digits and letters, digit runs: 111111…, aaaaaa…, 1234…, 9876….
  for (const ch of '0123456789abcdefghijklmnopqrstuvwxyz') {
    for (let n = 4; n <= 12; n += 1) add(ch.repeat(n));
  }
  for (let n = 4; n <= 10; n += 1) {
    add('1234567890'.slice(0, n));
    add('9876543210'.slice(0, n));
    add('0123456789'.slice(0, n));
  }
  // Dates: ddmmyyyy of the first day of every month, 1960–2026 (numeric, so refused anyway, but real).
  for (const year of YEARS) {
    for (let month = 1; month <= 12; month += 1) add(`01${String(month).padStart(2, '0')}${year}`);
  }

  const stems = [
    ...words(TOP).filter((w) => /^[a-z]+$/.test(w)),
    ...words(NAMES),
    ...words(RUSSIAN).map(latinLayout),
  ];
  for (const stem of stems) {
    for (const suffix of SUFFIXES) add(stem + suffix);
  }
  for (const stem of [...words(NAMES), ...words(RUSSIAN).slice(0, 60).map(latinLayout)]) {
    for (const year of YEARS.filter((y) => y >= '1970' && y <= '2025')) add(stem + year);
    for (const yy of ['80', '85', '86', '87', '88', '89', '90', '91', '92', '93', '94', '95', '96', '97'])
      add(stem + yy);
  }
  for (const word of words(RUSSIAN)) {
    for (const suffix of ['1', '12', '123', '1234', '2000', '777']) add(word + suffix);
  }
  return [...out];
}

if (import.meta.main) {
  const list = buildCommonPasswords();
  const file = new URL('./common-passwords.txt', import.meta.url);
  fs.writeFileSync(file, `${list.join('\n')}\n`);
  process.stdout.write(`${list.length} passwords written to ${file.pathname}\n`);
}
