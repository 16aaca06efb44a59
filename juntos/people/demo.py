"""The demo district: a realistic, reproducible Riverside Unified School District.

``build_demo_district(seed=7)`` writes one district, three schools (K-5, 6-8, 9-12), the
2026-2027 school year with its two semesters, about 1,200 students with their classes and
caregivers, and staff who can sign in with the demo password. The same seed always gives the
same district: every choice comes from one ``random.Random(seed)`` and every date is fixed.

The steps, in order:

1. plan the households in memory: how many children, their grades, the family's home
   language, the adults who care for them and how each prefers to be reached;
2. write students, their demographics and schools (bulk);
3. write courses, homerooms and scheduled classes, and enroll the students (bulk);
4. write caregivers, their links to students, contact points and contact windows (bulk);
5. create the staff through ``do_create_staff`` (one per person, with sections and roles).

Nothing about birth, country, immigration or residence is generated (DESIGN.md, rule 8).
Staff are created through the action; the family rows are bulk-inserted here because this is
a generator of fixture data, not a user-facing write (a save per row would take minutes).
"""

# The random module gives reproducible demo data from a seed; nothing here is a secret.
# ruff: noqa: S311

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Exists, OuterRef

from juntos.language import registry
from juntos.people.actions import do_create_staff
from juntos.people.models import (
    AcademicSession,
    Caregiver,
    CaregiverLink,
    Channel,
    ContactPoint,
    ContactWindow,
    Course,
    Demographics,
    District,
    Relationship,
    Role,
    School,
    Section,
    Staff,
    StaffRole,
    Student,
    StudentEnrollment,
    StudentSchool,
)

_T = TypeVar("_T")

DISTRICT_SLUG = "riverside"
DISTRICT_NAME = "Riverside Unified School District"
TIME_ZONE = "America/Chicago"
DEFAULT_STUDENTS = 1200
MIN_STUDENTS = 100
# Demo credentials only: printed by ``seed_demo`` for anyone trying Juntos locally.
DEMO_PASSWORD = "juntos-demo"  # noqa: S105
STAFF_EMAIL_DOMAIN = "riverside.example.org"

# Fixed dates, so that a seed gives the same district whatever the day it runs.
SCHOOL_YEAR = 2027  # OneRoster names a school year by the calendar year it ends in.
YEAR_START = dt.date(2026, 8, 17)
YEAR_END = dt.date(2027, 6, 4)
FALL = (dt.date(2026, 8, 17), dt.date(2026, 12, 18))
SPRING = (dt.date(2027, 1, 5), dt.date(2027, 6, 4))
# When the roster that brought the families' numbers (and their consent to texts) was loaded.
SMS_CONSENT_AT = dt.datetime(2026, 8, 10, 9, 0, tzinfo=ZoneInfo(TIME_ZONE))


class DemoDistrictExistsError(Exception):
    """The database already holds the demo district (or a demo user name is taken)."""


class SignIn(NamedTuple):
    role: str
    username: str
    school: str  # the school's name, or "district"
    languages: tuple[str, ...] = ()  # what a community liaison speaks, as language tags


@dataclass(frozen=True)
class DemoFamily:
    caregiver_id: int
    name: str
    language: str
    language_name: str


@dataclass(frozen=True)
class DemoSummary:
    district: str
    seed: int
    counts: dict[str, int]
    sign_ins: list[SignIn]
    password: str
    families: list[DemoFamily]


# --------------------------------------------------------------------------------------------
# Names. Written for this demo: common given and family names in each community, in the form a
# US school roster usually holds them (Latin script, except Chinese, which is kept in
# characters in about half the families, with its pinyin beside it for e-mail addresses).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    # Names of the children's generation and of the grandparents', where they differ.
    child_female: tuple[str, ...] = ()
    child_male: tuple[str, ...] = ()
    elder_female: tuple[str, ...] = ()
    elder_male: tuple[str, ...] = ()


def _t(text: str) -> tuple[str, ...]:
    """A name list written as one string, names separated by commas."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


NAMES: dict[str, _Names] = {
    "en": _Names(
        female=_t(
            "Emily, Sarah, Jessica, Ashley, Jennifer, Amanda, Megan, Rachel, Lauren, Brittany,"
            " Nicole, Heather, Amber, Crystal, Tiffany, Danielle, Kayla, Stephanie, Courtney,"
            " Tasha, Keisha, Latoya, Monique, Shanice, Katie, Erin, Holly, Melissa"
        ),
        male=_t(
            "Michael, Christopher, Matthew, Joshua, David, James, Daniel, Robert, John, Joseph,"
            " Andrew, Ryan, Brandon, Jason, Justin, William, Tyrone, Marcus, DeShawn, Terrence,"
            " Kevin, Brian, Eric, Travis, Derek, Cody, Jeremy, Dustin"
        ),
        family=_t(
            "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor,"
            " Thomas, Moore, Jackson, Martin, Thompson, White, Harris, Clark, Lewis, Robinson,"
            " Walker, Young, Allen, King, Wright, Scott, Hill, Green, Adams, Baker, Nelson,"
            " Carter, Mitchell, Roberts, Turner, Phillips, Campbell, Parker, Evans, Edwards,"
            " Collins, Stewart, Morris, Murphy, Cook, Rogers, Morgan, Cooper, Peterson, Bailey,"
            " Reed, Kelly, Howard, Washington, Brooks, Jenkins, Hughes, Price, Sanders, Bennett,"
            " Foster, Russell, Olson, Larson, Hansen, Schmidt, Becker, Lindqvist, Kowalski"
        ),
        child_female=_t(
            "Olivia, Emma, Ava, Sophia, Isabella, Mia, Charlotte, Amelia, Harper, Evelyn,"
            " Abigail, Ella, Avery, Scarlett, Madison, Chloe, Zoe, Aaliyah, Brooklyn, Layla,"
            " Nevaeh, Kennedy, Hailey, Paisley, Riley, Nora"
        ),
        child_male=_t(
            "Liam, Noah, Oliver, Elijah, James, William, Benjamin, Lucas, Henry, Mason, Ethan,"
            " Logan, Jackson, Aiden, Carter, Jayden, Caleb, Wyatt, Grayson, Isaiah, Josiah,"
            " Jaxon, Owen, Landon, Micah, Xavier"
        ),
        elder_female=_t(
            "Linda, Patricia, Barbara, Susan, Deborah, Donna, Carol, Sharon, Brenda, Diane,"
            " Gloria, Bernice, Dorothy, Shirley"
        ),
        elder_male=_t(
            "Gary, Larry, Ronald, Dennis, Kenneth, Richard, Donald, Roger, Wayne, Harold,"
            " Earl, Clarence, Willie, Gerald"
        ),
    ),
    "es": _Names(
        female=_t(
            "María, Guadalupe, Rosa, Ana, Carmen, Lucía, Verónica, Claudia, Patricia, Adriana,"
            " Leticia, Alejandra, Yesenia, Gabriela, Maribel, Elena, Silvia, Araceli, Marisol,"
            " Norma, Juana, Sandra, Rocío, Beatriz"
        ),
        male=_t(
            "José, Juan, Luis, Carlos, Miguel, Jorge, Francisco, Jesús, Alejandro, Ricardo,"
            " Fernando, Javier, Roberto, Manuel, Pedro, Raúl, Óscar, Sergio, Héctor, Arturo,"
            " Eduardo, Rafael, Ramón, Efraín"
        ),
        family=_t(
            "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, Ramírez,"
            " Torres, Flores, Rivera, Gómez, Díaz, Reyes, Morales, Cruz, Ortiz, Gutiérrez,"
            " Chávez, Ramos, Mendoza, Ruiz, Álvarez, Castillo, Jiménez, Vásquez, Romero,"
            " Herrera, Medina, Aguilar, Vargas, Castro, Guzmán, Juárez, Salazar, Estrada, Rojas,"
            " Delgado, Contreras, Cervantes, Soto, Ibarra, Navarro"
        ),
        child_female=_t(
            "Sofía, Valentina, Camila, Ximena, Isabella, Mía, Daniela, Natalia, Valeria,"
            " Victoria, Renata, Emily, Ashley, Génesis, Alexa, Andrea, Melanie, Jimena, Regina,"
            " Abril"
        ),
        child_male=_t(
            "Santiago, Mateo, Sebastián, Diego, Leonardo, Emiliano, Daniel, Ángel, Adrián,"
            " Gael, Iker, Jayden, Christopher, Kevin, Bryan, Joshua, Jonathan, Luis, Axel,"
            " Thiago"
        ),
        elder_female=_t("Josefina, Socorro, Esperanza, Refugio, Consuelo, Dolores, Amparo"),
        elder_male=_t("Ignacio, Aurelio, Rigoberto, Anselmo, Heriberto, Gilberto, Salvador"),
    ),
    "ar": _Names(
        female=_t(
            "Fatima, Aisha, Mariam, Nour, Layla, Huda, Rania, Samira, Amal, Reem, Hana, Yasmin,"
            " Salma, Dalia, Lina, Zainab, Noura, Rasha, Heba, Iman"
        ),
        male=_t(
            "Mohammed, Ahmed, Ali, Omar, Khaled, Youssef, Hassan, Ibrahim, Mahmoud, Mustafa,"
            " Tariq, Karim, Samir, Bilal, Hussein, Adel, Walid, Nabil, Fadi, Ziad"
        ),
        family=_t(
            "Al-Sayed, Haddad, Khalil, Mansour, Nasser, Abdullah, Saleh, Hamdan, Darwish,"
            " Farah, Aziz, Qasim, Suleiman, Jaber, Awad, Yousef, Al-Amin, Rahman, Karam, Bakr,"
            " Said, Shalabi, Al-Hashimi, Odeh"
        ),
    ),
    "vi": _Names(
        female=_t(
            "Lan, Hoa, Mai, Linh, Hương, Thảo, Ngọc, Trang, Hằng, Phương, Thu, Hạnh, Yến, Vy,"
            " Nhung, Loan, Diệp, Quyên"
        ),
        male=_t(
            "Minh, Tuấn, Hùng, Dũng, Nam, Long, Quang, Khánh, Phúc, Hải, Thắng, Huy, Bảo,"
            " Vinh, Đức, Sơn, Tâm, Trung"
        ),
        family=_t(
            "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô,"
            " Dương, Lý, Đinh, Trương"
        ),
    ),
    "zh": _Names(
        female=_t(
            "丽华, 秀英, 静, 敏, 燕, 芳, 娜, 婷婷, 雪梅, 玉兰, 晓燕, 美玲, 欣怡, 梓涵, 雨桐, 思雨"
        ),
        male=_t("伟, 强, 磊, 军, 勇, 杰, 涛, 明, 小明, 建华, 志强, 浩然, 子轩, 宇轩, 俊杰, 国栋"),
        family=_t("王, 李, 张, 刘, 陈, 杨, 黄, 赵, 吴, 周, 徐, 孙, 马, 朱, 胡, 郭, 林, 何, 高, 罗"),
    ),
    "so": _Names(
        female=_t(
            "Amina, Hodan, Faadumo, Sahra, Ubah, Hibo, Nimco, Ayaan, Khadra, Fartun, Hawa,"
            " Ifrah, Deeqa, Sagal, Muna, Idil, Farhiya, Asli"
        ),
        male=_t(
            "Abdi, Mohamed, Ahmed, Abdirahman, Abdullahi, Hassan, Farah, Yusuf, Mahad, Liban,"
            " Guled, Bashir, Said, Omar, Ismail, Jama, Abdiaziz, Mustafe"
        ),
        family=_t(
            "Hassan, Ali, Mohamed, Abdi, Warsame, Farah, Omar, Aden, Hussein, Ahmed, Jama,"
            " Nur, Osman, Yusuf, Ismail, Dahir, Egal, Duale, Elmi, Guled, Samatar, Abdullahi"
        ),
    ),
    "ht": _Names(
        female=_t(
            "Marie, Nadège, Guerline, Fabienne, Roseline, Mirlande, Widelande, Nathalie, Esther,"
            " Jesula, Lourdes, Magalie, Stéphanie, Rose-Marie, Darline, Wideline, Fabiola"
        ),
        male=_t(
            "Jean, Pierre, Wilson, Jacques, Frantz, Reginald, Emmanuel, Widner, Jeanty,"
            " Ricardo, Fritz, Wisly, Marc, Daniel, Stanley, Evens, Jean-Robert"
        ),
        family=_t(
            "Jean-Baptiste, Pierre, Joseph, Louis, Charles, François, Saint-Fleur, Dorvil,"
            " Étienne, Jean-Louis, Desir, Michel, Augustin, Toussaint, Noël, Félix, Célestin,"
            " Beauvais, Alexis, Dorsainvil"
        ),
    ),
    "pt": _Names(
        female=_t(
            "Ana, Maria, Juliana, Fernanda, Patrícia, Aline, Camila, Beatriz, Luciana, Adriana,"
            " Gabriela, Larissa, Vanessa, Tatiane, Rafaela, Débora"
        ),
        male=_t(
            "João, Pedro, Lucas, Gabriel, Rafael, Thiago, Felipe, Rodrigo, Marcos, Paulo,"
            " Bruno, Gustavo, Leandro, Diego, André, Fábio"
        ),
        family=_t(
            "Silva, Santos, Oliveira, Souza, Pereira, Costa, Ferreira, Rodrigues, Almeida,"
            " Nascimento, Lima, Araújo, Carvalho, Gomes, Ribeiro, Martins, Barbosa, Rocha,"
            " Moreira, Cardoso"
        ),
    ),
    "ru": _Names(
        female=_t(
            "Olga, Natalia, Elena, Irina, Svetlana, Tatiana, Anna, Yulia, Ekaterina, Marina,"
            " Anastasia, Larisa, Galina, Victoria, Alina, Ksenia"
        ),
        male=_t(
            "Alexander, Sergei, Dmitri, Andrei, Alexei, Ivan, Mikhail, Nikolai, Vladimir,"
            " Pavel, Yuri, Oleg, Maxim, Artem, Igor, Roman"
        ),
        family=_t(
            "Ivanov, Smirnov, Kuznetsov, Popov, Sokolov, Lebedev, Kozlov, Novikov, Morozov,"
            " Petrov, Volkov, Solovyov, Vasiliev, Zaitsev, Pavlov, Semenov, Golubev,"
            " Vinogradov, Belinsky"
        ),
    ),
    "uk": _Names(
        female=_t(
            "Oksana, Olena, Nataliia, Iryna, Halyna, Tetiana, Yuliia, Kateryna, Viktoriia,"
            " Svitlana, Mariia, Liudmyla, Daryna, Sofiia, Anastasiia, Khrystyna"
        ),
        male=_t(
            "Oleksandr, Andrii, Serhii, Volodymyr, Mykola, Yurii, Dmytro, Taras, Bohdan, Vasyl,"
            " Ivan, Oleh, Petro, Maksym, Artem, Roman"
        ),
        family=_t(
            "Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Melnyk, Boiko, Koval,"
            " Oliinyk, Lysenko, Moroz, Marchenko, Rudenko, Savchenko, Pavlenko, Kovalchuk,"
            " Polishchuk, Kovalskyi, Hrytsenko, Levchenko"
        ),
    ),
    "fa-AF": _Names(
        female=_t(
            "Mariam, Farzana, Zahra, Nasrin, Shabnam, Parwana, Freshta, Mursal, Sima,"
            " Mahbooba, Nilofar, Hasina, Roya, Soraya, Fatima, Marzia"
        ),
        male=_t(
            "Ahmad, Mohammad, Farid, Hamid, Jawad, Mustafa, Nasir, Omid, Rahim, Shafiq,"
            " Sohail, Wahid, Zaker, Hamed, Karim, Mahmood"
        ),
        family=_t(
            "Ahmadi, Rahimi, Hakimi, Karimi, Haidari, Sultani, Noori, Azizi, Amiri, Hashimi,"
            " Rezaie, Mohammadi, Sharifi, Qaderi, Sadat, Mirzaei"
        ),
    ),
    "ps": _Names(
        female=_t(
            "Zarghona, Malalai, Palwasha, Nazia, Gulalai, Shazia, Mahnoor, Spozhmai, Wagma,"
            " Nadia, Storai, Khatera, Sadia, Pashtana, Hajira, Bibi Gul"
        ),
        male=_t(
            "Gul Agha, Abdullah, Naqibullah, Rahmatullah, Zabihullah, Ismail, Asadullah,"
            " Noorullah, Wali, Ajmal, Bilal, Zalmai, Mirwais, Samiullah, Haroon, Jamal"
        ),
        family=_t(
            "Khan, Yousafzai, Durrani, Popal, Stanekzai, Mohmand, Zazai, Ahmadzai, Afridi,"
            " Shinwari, Mangal, Wardak, Achakzai, Barakzai, Kakar, Jalali, Safi, Niazi"
        ),
    ),
    "tl": _Names(
        female=_t(
            "Maria, Marites, Rowena, Cristina, Jocelyn, Liza, Analyn, Rosario, Maricel,"
            " Jennylyn, Lorna, Rhea, Divina, Imelda, Marilou, Girlie"
        ),
        male=_t(
            "Jose, Ramon, Rodel, Jun, Eduardo, Rolando, Arnel, Reynaldo, Danilo, Ferdinand,"
            " Jomar, Mark Anthony, Ronaldo, Benjie, Noel, Rommel"
        ),
        family=_t(
            "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Tomas, Andrada, Castillo,"
            " Villanueva, Ramos, Dela Cruz, Aquino, Navarro, Manalo, Pascual, Domingo"
        ),
    ),
    "ko": _Names(
        female=_t(
            "Ji-yeon, Min-ji, Seo-yeon, Eun-ji, Hye-jin, Su-jin, Yoon-hee, Jung-ah, Soo-min,"
            " Ha-eun, Ji-woo, Mi-kyung, Young-hee, Eun-young"
        ),
        male=_t(
            "Min-jun, Ji-hoon, Seo-jun, Hyun-woo, Dong-hyun, Jae-won, Sung-min, Joon-ho,"
            " Tae-yang, Young-ho, Sang-woo, Kyung-soo, Do-yoon, Woo-jin"
        ),
        family=_t("Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin"),
    ),
    "hmn": _Names(
        female=_t(
            "Mai, Pa, Yer, Kia, Chue, Bao, Nou, Pang, Mee, Youa, Lia, Shoua, Zoua, Der, Houa,"
            " Mai Yer"
        ),
        male=_t(
            "Tou, Kou, Pao, Fue, Chong, Neng, Xeng, Nhia, Teng, Cher, Long, Meng, Seng, Tong,"
            " Lue, Yia"
        ),
        # Hmong family names are the clan names.
        family=_t("Vang, Xiong, Yang, Lee, Thao, Moua, Her, Lor, Vue, Hang, Khang, Lo, Chang"),
    ),
    "fr": _Names(
        female=_t(
            "Aminata, Fatou, Mariama, Awa, Aïssatou, Marie, Sophie, Claire, Chantal, Brigitte,"
            " Nathalie, Céline, Isabelle, Grâce, Esther, Josiane"
        ),
        male=_t(
            "Mamadou, Ibrahima, Moussa, Ousmane, Amadou, Jean-Claude, Pierre, Patrick,"
            " Christian, Didier, Olivier, Serge, Emmanuel, Alain, Thierry, Christophe"
        ),
        family=_t(
            "Diallo, Traoré, Koné, Camara, Touré, Coulibaly, Diop, Ndiaye, Sow, Bah, Mukendi,"
            " Kabongo, Ilunga, Tshibanda, Martin, Dubois, Lefebvre, Moreau, Girard, Fontaine"
        ),
    ),
}

# Pinyin of every Chinese name above: for families whose roster spells names in Latin letters,
# and for e-mail addresses.
PINYIN: dict[str, str] = dict(
    zip(
        NAMES["zh"].female + NAMES["zh"].male + NAMES["zh"].family,
        _t(
            "Lihua, Xiuying, Jing, Min, Yan, Fang, Na, Tingting, Xuemei, Yulan, Xiaoyan,"
            " Meiling, Xinyi, Zihan, Yutong, Siyu,"
            " Wei, Qiang, Lei, Jun, Yong, Jie, Tao, Ming, Xiaoming, Jianhua, Zhiqiang, Haoran,"
            " Zixuan, Yuxuan, Junjie, Guodong,"
            " Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu,"
            " Guo, Lin, He, Gao, Luo"
        ),
        strict=True,
    )
)

# Share of families by home language in a typical US district (the order of DEMO_LANGUAGES).
# English takes whatever the others leave; every language gets at least 10 families at the
# default size (more than its share for the smallest), so that reach by language can be shown.
LANGUAGE_SHARES: dict[str, float] = {
    "es": 0.24,
    "ar": 0.025,
    "vi": 0.02,
    "zh": 0.02,
    "so": 0.015,
    "ht": 0.01,
    "pt": 0.01,
    "ru": 0.005,
    "uk": 0.005,
    "fa-AF": 0.005,
    "ps": 0.004,
    "tl": 0.005,
    "ko": 0.004,
    "hmn": 0.004,
    "fr": 0.004,
}
MIN_FAMILIES_PER_LANGUAGE = 10  # at the default size; scaled down with --students
# Somali reach is reported by school: a school with Somali families has at least this many.
MIN_SOMALI_FAMILIES_PER_SCHOOL = 5

# Where a mother commonly keeps her own family name (the children take the father's).
MOTHER_KEEPS_NAME: dict[str, float] = {
    "es": 0.6, "vi": 0.9, "zh": 0.9, "ko": 0.95, "ar": 0.8, "so": 0.9, "fa-AF": 0.5,
    "ps": 0.5, "hmn": 1.0,
}  # fmt: skip
# Communities where many children go by an English given name at school.
ENGLISH_CHILD_NAMES: dict[str, float] = {"vi": 0.35, "zh": 0.35, "ko": 0.35, "tl": 0.3}
# Second languages commonly spoken beside the home language.
ALSO_SPOKEN: dict[str, tuple[str, float]] = {
    "ps": ("fa-AF", 0.4), "fa-AF": ("ps", 0.2), "so": ("ar", 0.15), "ht": ("fr", 0.4),
    "uk": ("ru", 0.5), "ru": ("uk", 0.1), "pt": ("es", 0.1), "en": ("es", 0.04),
}  # fmt: skip
# Communities in which more families prefer to hear messages (a call) rather than read them.
ORAL_PREFERENCE: dict[str, float] = {"hmn": 0.2, "so": 0.15, "ps": 0.15, "fa-AF": 0.1}

# Who cares for the children: (relationships of the adults, weight in 100 families).
_R = Relationship
HOUSEHOLDS: tuple[tuple[tuple[str, ...], float], ...] = (
    ((_R.MOTHER, _R.FATHER), 45),
    ((_R.MOTHER,), 22),
    ((_R.FATHER,), 5),
    ((_R.MOTHER, _R.GRANDPARENT), 4),
    ((_R.GRANDPARENT,), 3),  # grandparents raising grandchildren alone
    ((_R.GRANDPARENT, _R.GRANDPARENT), 1),
    ((_R.MOTHER, _R.FATHER, _R.GRANDPARENT), 4),
    ((_R.AUNT_UNCLE,), 3),
    ((_R.AUNT_UNCLE, _R.AUNT_UNCLE), 1),
    ((_R.FOSTER_PARENT,), 2),
    ((_R.FOSTER_PARENT, _R.FOSTER_PARENT), 1),
    ((_R.GUARDIAN,), 2),
    ((_R.MOTHER, _R.SIBLING), 3),  # an adult older brother or sister
    ((_R.MOTHER, _R.OTHER), 2),  # a stepparent or partner
    ((_R.FATHER, _R.OTHER), 1),
    ((_R.FATHER, _R.GRANDPARENT), 1),
)
# Share of adults in each relationship who are women (the first of a pair is the woman).
FEMALE_SHARE: dict[str, float] = {
    Relationship.MOTHER: 1.0, Relationship.FATHER: 0.0, Relationship.GRANDPARENT: 0.7,
    Relationship.AUNT_UNCLE: 0.6, Relationship.FOSTER_PARENT: 0.65, Relationship.GUARDIAN: 0.6,
    Relationship.SIBLING: 0.5, Relationship.OTHER: 0.5,
}  # fmt: skip
# Names of the children's generation for adult siblings, of the grandparents' for grandparents.
GENERATION: dict[str, str] = {Relationship.GRANDPARENT: "elder", Relationship.SIBLING: "child"}
# Share of adults whose home language is not English who also speak English (others: 35% of
# first caregivers, 45% of second ones), and of adults who have an e-mail address (others: 70%
# of English speakers, 40% of the rest).
SPEAKS_ENGLISH: dict[str, float] = {Relationship.GRANDPARENT: 0.1, Relationship.SIBLING: 0.9}
HAS_EMAIL: dict[str, float] = {Relationship.GRANDPARENT: 0.2, Relationship.SIBLING: 0.6}
# Children per family: about one student in five has a brother or sister in the district.
CHILDREN_PER_FAMILY: tuple[tuple[int, float], ...] = ((1, 895), (2, 85), (3, 20))
# The first few families with two or three children have them at two schools for certain (more
# do by chance), so that a caregiver linked to students at two schools is always in the demo.
CROSSING_GRADES: tuple[tuple[int, ...], ...] = ((4, 7, 1), (7, 10, 12), (2, 9, 5))
# Enrollment tapers a little in the upper grades.
GRADE_WEIGHTS: tuple[float, ...] = (1.0,) * 10 + (0.97, 0.94, 0.9)

# Race and ethnicity as OneRoster reports them (federal categories), by home language:
# (share reporting Hispanic or Latino, ((race flags, weight), ...)).
_AIAN = "american_indian_or_alaska_native"
_ASIAN = "asian"
_BLACK = "black_or_african_american"
_NHPI = "native_hawaiian_or_other_pacific_islander"
_WHITE = "white"
_ASIAN_MIX: tuple[tuple[tuple[str, ...], float], ...] = (((_ASIAN,), 95), ((_ASIAN, _WHITE), 5))
RACE_MIX: dict[str, tuple[float, tuple[tuple[tuple[str, ...], float], ...]]] = {
    "en": (0.1, (((_WHITE,), 50), ((_BLACK,), 28), ((_ASIAN,), 4), ((_AIAN,), 1), ((_NHPI,), 1),
                 ((_WHITE, _BLACK), 8), ((_WHITE, _ASIAN), 4), ((_WHITE, _AIAN), 4))),
    "es": (0.97, (((_WHITE,), 60), ((_AIAN,), 8), ((_BLACK,), 4), ((_WHITE, _AIAN), 24),
                  ((_WHITE, _BLACK), 4))),
    "ar": (0.0, (((_WHITE,), 90), ((_BLACK,), 6), ((_WHITE, _BLACK), 4))),
    "vi": (0.0, _ASIAN_MIX),
    "zh": (0.0, _ASIAN_MIX),
    "ko": (0.0, _ASIAN_MIX),
    "hmn": (0.0, _ASIAN_MIX),
    "tl": (0.02, (((_ASIAN,), 85), ((_ASIAN, _NHPI), 10), ((_ASIAN, _WHITE), 5))),
    "so": (0.0, (((_BLACK,), 100),)),
    "ht": (0.0, (((_BLACK,), 95), ((_BLACK, _WHITE), 5))),
    "pt": (0.15, (((_WHITE,), 60), ((_BLACK,), 15), ((_WHITE, _BLACK), 25))),
    "ru": (0.0, (((_WHITE,), 100),)),
    "uk": (0.0, (((_WHITE,), 100),)),
    "fa-AF": (0.0, (((_WHITE,), 70), ((_ASIAN,), 30))),
    "ps": (0.0, (((_WHITE,), 70), ((_ASIAN,), 30))),
    "fr": (0.0, (((_BLACK,), 70), ((_WHITE,), 25), ((_BLACK, _WHITE), 5))),
}  # fmt: skip
_RACE_FLAGS = (_AIAN, _ASIAN, _BLACK, _NHPI, _WHITE)

# When families are glad to hear from school: (weekdays, start, end) windows, by pattern.
_WEEKDAYS = [1, 2, 3, 4, 5]
_WEEKEND = [6, 7]
_Window = tuple[list[int], dt.time, dt.time]
CONTACT_WINDOWS: tuple[tuple[tuple[_Window, ...], float], ...] = (
    (((_WEEKDAYS, dt.time(17), dt.time(20)), (_WEEKEND, dt.time(10), dt.time(18))), 50),
    (((_WEEKDAYS, dt.time(7), dt.time(8, 30)), (_WEEKDAYS, dt.time(17), dt.time(21))), 15),
    (((_WEEKDAYS, dt.time(12), dt.time(13)), (_WEEKDAYS, dt.time(18), dt.time(21))), 15),
    (((_WEEKDAYS + _WEEKEND, dt.time(9), dt.time(19)),), 10),
    (((_WEEKEND, dt.time(10), dt.time(18)),), 10),  # works weekdays and evenings
)


@dataclass(frozen=True)
class _SchoolSpec:
    name: str
    slug: str
    identifier: str
    code: str
    grades: range


SCHOOLS: tuple[_SchoolSpec, ...] = (
    _SchoolSpec("Maple Hill Elementary School", "maple-hill", "RUSD-101", "MH", range(0, 6)),
    _SchoolSpec("Roosevelt Middle School", "roosevelt", "RUSD-201", "RM", range(6, 9)),
    _SchoolSpec("Riverside High School", "riverside-high", "RUSD-301", "RH", range(9, 13)),
)
HOMEROOM_SIZE = {0: 22, 1: 28, 2: 28}  # by school index: elementary rooms are smaller
CLASS_SIZE = 28
ELECTIVE_SHARE = 0.6  # secondary students who take an elective in one semester
# Core courses of a secondary grade (every student takes each) and electives (per semester).
CORE_COURSES: dict[int, tuple[tuple[str, str], ...]] = {
    # grade: ((subject, course title), ...)
    **{g: (("English", f"English Language Arts {g}"), ("Mathematics", f"Math {g}"),
           ("Science", f"Science {g}"), ("Social Studies", f"Social Studies {g}"))
       for g in (6, 7, 8)},
    9: (("English", "English 9"), ("Mathematics", "Algebra I"), ("Science", "Biology")),
    10: (("English", "English 10"), ("Mathematics", "Geometry"), ("Science", "Chemistry")),
    11: (("English", "English 11"), ("Mathematics", "Algebra II"), ("Science", "Physics")),
    12: (("English", "English 12"), ("Mathematics", "Precalculus"),
         ("Science", "Environmental Science")),
}  # fmt: skip
ELECTIVES: dict[int, tuple[str, ...]] = {
    1: ("Art", "Music"),
    2: ("Visual Arts", "Computer Science"),
}
# Groups of languages a community liaison commonly covers, in order of preference.
LIAISON_GROUPS: tuple[tuple[str, ...], ...] = (
    ("es", "pt"),
    ("ar", "fa-AF", "ps"),
    ("so",),
    ("vi", "zh"),
    ("ht", "fr"),
    ("ru", "uk"),
    ("hmn",),
    ("ko",),
    ("tl",),
)


def grade_code(grade: int) -> str:
    """OneRoster grade codes: KG, 01 … 12."""
    return "KG" if grade == 0 else f"{grade:02d}"


def grade_label(grade: int) -> str:
    return "Kindergarten" if grade == 0 else f"Grade {grade}"


def _room_letter(room: int) -> str:
    """A, B, … Z, then AA, AB… (large demo districts have many homerooms per grade)."""
    return ("" if room < 26 else _room_letter(room // 26 - 1)) + chr(ord("A") + room % 26)


# --------------------------------------------------------------------------------------------
# Step 1: the plan, in memory.
# --------------------------------------------------------------------------------------------


@dataclass
class _Child:
    given: str
    family: str
    sex: str
    grade: int
    student: Student | None = None

    @property
    def school_index(self) -> int:
        return next(i for i, spec in enumerate(SCHOOLS) if self.grade in spec.grades)


@dataclass
class _Adult:
    given: str
    family: str
    relationship: str
    language: str
    other_languages: list[str]
    reads: bool
    needs_interpretation: bool
    lives_with: bool
    caregiver: Caregiver | None = None
    texts_first: bool = False  # has a mobile phone and prefers texts above all


@dataclass
class _Household:
    language: str
    children: list[_Child] = field(default_factory=list)
    adults: list[_Adult] = field(default_factory=list)
    no_contact: bool = False


class _Planner:
    """Draws the households. One instance per build; every draw comes from ``self.rng``."""

    def __init__(self, rng: random.Random, students: int) -> None:
        self.rng = rng
        self.students = students

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def weighted(self, options: Sequence[tuple[_T, float]]) -> _T:
        """One of the values of ``(value, weight)`` pairs, drawn by weight."""
        values = [value for value, _ in options]
        weights = [weight for _, weight in options]
        return self.rng.choices(values, weights=weights)[0]

    # -- households, languages, schools

    def households(self) -> list[_Household]:
        sizes: list[int] = []
        while sum(sizes) < self.students:
            sizes.append(self.weighted(CHILDREN_PER_FAMILY))
        sizes[-1] -= sum(sizes) - self.students
        languages = self.language_quotas(len(sizes))
        self.rng.shuffle(languages)
        households = [_Household(language=lang) for lang in languages]
        somali_schools = self.somali_schools(sum(1 for lang in languages if lang == "so"))
        crossing = iter(CROSSING_GRADES)
        for household, size in zip(households, sizes, strict=True):
            if household.language == "so":
                grades = self.grades_at(somali_schools.pop(), size)
            elif size > 1 and (forced := next(crossing, None)) is not None:
                grades = list(forced[:size])
            else:
                grades = self.sibling_grades(size)
            self.fill(household, grades)
        for household in self.rng.sample(households, round(0.08 * len(households))):
            household.no_contact = True
        return households

    def language_quotas(self, families: int) -> list[str]:
        floor = max(1, math.ceil(MIN_FAMILIES_PER_LANGUAGE * self.students / DEFAULT_STUDENTS))
        quotas = {
            lang: max(floor, round(share * families)) for lang, share in LANGUAGE_SHARES.items()
        }
        quotas["so"] = max(quotas["so"], MIN_SOMALI_FAMILIES_PER_SCHOOL)
        english = families - sum(quotas.values())
        return ["en"] * english + [lang for lang, n in quotas.items() for _ in range(n)]

    def somali_schools(self, families: int) -> list[int]:
        """One school index per Somali family, no school with fewer than the minimum."""
        count = max(1, min(len(SCHOOLS), families // MIN_SOMALI_FAMILIES_PER_SCHOOL))
        chosen = sorted(self.rng.sample(range(len(SCHOOLS)), count))
        per_school = dict.fromkeys(chosen, MIN_SOMALI_FAMILIES_PER_SCHOOL)
        for _ in range(families - MIN_SOMALI_FAMILIES_PER_SCHOOL * count):
            per_school[self.rng.choice(chosen)] += 1
        result = [index for index, n in per_school.items() for _ in range(n)]
        self.rng.shuffle(result)
        return result[:families]

    def grades_at(self, school: int, size: int) -> list[int]:
        return self.rng.sample(list(SCHOOLS[school].grades), size)

    def sibling_grades(self, size: int) -> list[int]:
        weights = list(GRADE_WEIGHTS)
        first = self.rng.choices(range(13), weights=weights)[0]
        grades = [first]
        while len(grades) < size:
            if self.chance(0.05):
                grades.append(grades[-1])  # twins
                continue
            gap = self.rng.choice([1, 2, 2, 3, 3, 4, 5]) * self.rng.choice([-1, 1])
            candidate = first + gap
            if not 0 <= candidate <= 12:
                candidate = first - gap
            if 0 <= candidate <= 12 and candidate not in grades:
                grades.append(candidate)
        return grades

    # -- people

    def name(self, language: str, sex: str, generation: str = "adult") -> str:
        names = NAMES[language]
        female = sex == "female"
        pools = {
            "child": names.child_female if female else names.child_male,
            "elder": names.elder_female if female else names.elder_male,
        }
        pool = pools.get(generation) or (names.female if female else names.male)
        return self.rng.choice(pool)

    def family_name(self, language: str, sex: str, base: str | None = None) -> str:
        name = base or self.rng.choice(NAMES[language].family)
        return _feminine(language, name) if sex == "female" else name

    def fill(self, household: _Household, grades: list[int]) -> None:
        lang = household.language
        relationships: tuple[str, ...] = self.weighted(HOUSEHOLDS)
        surname = self.rng.choice(NAMES[lang].family)
        for grade in grades:
            sex = self.weighted((("female", 492), ("male", 498), ("other", 3), ("unspecified", 7)))
            name_sex = sex if sex in ("female", "male") else self.rng.choice(["female", "male"])
            english_name = self.chance(ENGLISH_CHILD_NAMES.get(lang, 0.0))
            given = self.name("en" if english_name else lang, name_sex, "child")
            household.children.append(
                _Child(given, self.family_name(lang, name_sex, surname), sex, grade)
            )
        # Parents who live apart: the father (the second adult) does not live with the children.
        separated = relationships[:2] == (Relationship.MOTHER, Relationship.FATHER) and (
            self.chance(0.15)
        )
        for position, relationship in enumerate(relationships):
            paired = relationships.count(relationship) == 2
            if paired:  # grandmother and grandfather, aunt and uncle, two foster parents
                female = relationships.index(relationship) == position
            else:
                female = self.chance(FEMALE_SHARE[relationship])
            adult = self.adult(
                lang, relationship, position, "female" if female else "male", surname
            )
            adult.lives_with = not (separated and position == 1)
            household.adults.append(adult)
        if lang == "zh" and self.chance(0.5):  # this family's roster spells names in pinyin
            people: list[_Child | _Adult] = [*household.children, *household.adults]
            for person in people:
                person.given = PINYIN.get(person.given, person.given)
                person.family = PINYIN.get(person.family, person.family)

    def adult(self, lang: str, relationship: str, position: int, sex: str, surname: str) -> _Adult:
        generation = GENERATION.get(relationship, "adult")
        if relationship in (Relationship.FATHER, Relationship.SIBLING):
            own_family_name = False
        elif relationship in (Relationship.FOSTER_PARENT, Relationship.OTHER):
            own_family_name = True
        elif relationship == Relationship.MOTHER:
            own_family_name = self.chance(MOTHER_KEEPS_NAME.get(lang, 0.15))
        else:  # grandparents, aunts and uncles, guardians: on either side of the family
            own_family_name = self.chance(0.5)
        # The second adult of a non-English family sometimes prefers English (a bilingual
        # parent, a stepparent who speaks English with the children); grandparents rarely.
        english_speaker = (
            lang != "en"
            and position > 0
            and relationship != Relationship.GRANDPARENT
            and self.chance(0.2)
        )
        language = "en" if english_speaker else lang
        others: list[str] = [lang] if english_speaker else []
        speaks_english = english_speaker or lang == "en"
        if not speaks_english:
            speaks_english = self.chance(
                SPEAKS_ENGLISH.get(relationship, 0.35 if position == 0 else 0.45)
            )
            if speaks_english:
                others.append("en")
        also = ALSO_SPOKEN.get(language)
        if also and also[0] not in others and self.chance(also[1]):
            others.append(also[0])
        oral = ORAL_PREFERENCE.get(lang, 0.045)
        if relationship == Relationship.GRANDPARENT:
            oral += 0.1
        # A stepparent who speaks English at home usually has an English name.
        name_language = "en" if english_speaker and relationship == Relationship.OTHER else lang
        return _Adult(
            given=self.name(name_language, sex, generation),
            family=self.family_name(name_language, sex, None if own_family_name else surname),
            relationship=relationship,
            language=language,
            other_languages=others,
            reads=not self.chance(oral),
            needs_interpretation=not speaks_english and self.chance(0.9),
            lives_with=True,
        )


def _feminine(language: str, family_name: str) -> str:
    """Russian and Ukrainian family names take a feminine form."""
    if language == "ru":
        if family_name.endswith(("ov", "ev", "in", "yov")):
            return family_name + "a"
        if family_name.endswith("sky"):
            return family_name[:-3] + "skaya"
    if language == "uk" and family_name.endswith("skyi"):
        return family_name[:-4] + "ska"
    return family_name


def ascii_name(name: str) -> str:
    """A name in lower-case ASCII letters, for e-mail addresses (Nguyễn → nguyen, 王 → wang)."""
    name = PINYIN.get(name, name)
    decomposed = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


# --------------------------------------------------------------------------------------------
# Steps 2-5: writing the plan.
# --------------------------------------------------------------------------------------------


@dataclass
class _TeacherPlan:
    title: str
    sections: list[Section] = field(default_factory=list)


@dataclass
class _StaffPlan:
    username: str
    given: str
    family: str
    role: str
    school: School | None
    title: str
    languages: list[str]
    sections: list[Section] = field(default_factory=list)


class _Unique:
    """Phone numbers and e-mail addresses, each handed out once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def phone(self) -> str:
        # Area code 555 is reserved for fiction: +1 555 and any seven digits.
        while (number := f"+1555{self.rng.randrange(10**7):07d}") in self.used:
            pass
        self.used.add(number)
        return number

    def email(self, given: str, family: str) -> str:
        first, last = ascii_name(given) or "family", ascii_name(family) or "home"
        domain = self.rng.choices(
            ["example.org", "example.com", "example.net"], weights=[50, 35, 15]
        )[0]
        style = self.rng.randrange(3)
        local = (f"{first}.{last}", f"{first}{last}{self.rng.randrange(10, 99)}",
                 f"{first[0]}{last}")[style]  # fmt: skip
        address, n = f"{local}@{domain}", 1
        while address in self.used:
            n += 1
            address = f"{local}{n}@{domain}"
        self.used.add(address)
        return address


class _Builder:
    def __init__(self, *, seed: int, students: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.planner = _Planner(self.rng, students)
        self.unique = _Unique(self.rng)
        self.counts: dict[str, int] = {}
        self.sections_of: dict[int, list[Section]] = {}  # id() of a child: their sections

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def build(self) -> DemoSummary:
        households = self.planner.households()
        district = District.objects.create(
            name=DISTRICT_NAME, slug=DISTRICT_SLUG, default_language="en", time_zone=TIME_ZONE
        )
        schools = [
            School.objects.create(
                district=district, name=spec.name, slug=spec.slug, identifier=spec.identifier
            )
            for spec in SCHOOLS
        ]
        sessions = self.write_sessions(district)
        self.write_students(district, schools, households)
        teachers = self.write_sections(district, schools, households, sessions)
        self.write_caregivers(district, households)
        staff = self.plan_staff(schools, households, teachers)
        sign_ins = self.write_staff(district, staff)
        return DemoSummary(
            district=DISTRICT_NAME,
            seed=self.seed,
            counts={"schools": len(schools), **self.counts},
            sign_ins=sign_ins,
            password=DEMO_PASSWORD,
            families=demo_families(district),
        )

    # -- step 2

    def write_sessions(self, district: District) -> dict[str, AcademicSession]:
        year = AcademicSession.objects.create(
            district=district, title="2026-2027", kind=AcademicSession.Kind.SCHOOL_YEAR,
            start_date=YEAR_START, end_date=YEAR_END, school_year=SCHOOL_YEAR,
        )  # fmt: skip
        sessions = {"year": year}
        for key, title, (start, end) in (
            ("fall", "Fall 2026", FALL),
            ("spring", "Spring 2027", SPRING),
        ):
            sessions[key] = AcademicSession.objects.create(
                district=district, title=title, kind=AcademicSession.Kind.SEMESTER,
                start_date=start, end_date=end, school_year=SCHOOL_YEAR, parent=year,
            )  # fmt: skip
        self.counts["academic sessions"] = len(sessions)
        return sessions

    def write_students(
        self, district: District, schools: list[School], households: list[_Household]
    ) -> None:
        children = [(h, c) for h in households for c in h.children]
        # Student numbers are handed out at enrollment, not by family.
        numbers = self.rng.sample(range(100_000, 1_000_000), len(children))
        demographics: list[Demographics] = []
        for (household, child), number in zip(children, numbers, strict=True):
            child.student = Student(
                district=district,
                given_name=child.given,
                family_name=child.family,
                identifier=str(number),
                grade=grade_code(child.grade),
                home_language=household.language,
            )
            demographics.append(self.demographics(child.student, household.language, child.sex))
        students = Student.objects.bulk_create([c.student for _, c in children if c.student])
        Demographics.objects.bulk_create(demographics)
        StudentSchool.objects.bulk_create(
            StudentSchool(student=child.student, school=schools[child.school_index])
            for _, child in children
        )
        self.counts["students"] = len(students)

    def demographics(self, student: Student, language: str, sex: str) -> Demographics:
        if self.chance(0.03):  # the family chose not to say
            return Demographics(student=student, sex=sex)
        hispanic, mix = RACE_MIX[language]
        races: tuple[str, ...] = self.planner.weighted(mix)
        flags: dict[str, bool | None] = {flag: flag in races for flag in _RACE_FLAGS}
        return Demographics(
            student=student,
            sex=sex,
            two_or_more_races=len(races) > 1,
            hispanic_or_latino=self.chance(hispanic),
            **flags,
        )

    # -- step 3

    def write_sections(
        self,
        district: District,
        schools: list[School],
        households: list[_Household],
        sessions: dict[str, AcademicSession],
    ) -> list[list[_TeacherPlan]]:
        """Homerooms for every grade; core classes and electives at the secondary schools.

        Returns the teachers each school needs, each with the sections they teach.
        """
        courses: list[Course] = []
        sections: list[tuple[Section, AcademicSession]] = []
        enrollments: list[tuple[Section, _Child]] = []
        teachers: list[list[_TeacherPlan]] = []

        def add_section(
            school: School, title: str, kind: str, grades: list[int], session: AcademicSession,
            course: Course | None, members: Sequence[_Child],
        ) -> Section:  # fmt: skip
            spec = SCHOOLS[schools.index(school)]
            section = Section(
                school=school, course=course, title=title, kind=kind,
                code=f"{spec.code}-{len(sections) + 1:03d}",
                grades=[grade_code(g) for g in grades],
            )  # fmt: skip
            sections.append((section, session))
            for child in members:
                enrollments.append((section, child))
                self.sections_of.setdefault(id(child), []).append(section)
            return section

        children = [c for h in households for c in h.children]
        for index, (spec, school) in enumerate(zip(SCHOOLS, schools, strict=True)):
            school_teachers: list[_TeacherPlan] = []
            teachers.append(school_teachers)
            takers: list[_Child] = []
            for grade in spec.grades:
                kids = [c for c in children if c.grade == grade]
                self.rng.shuffle(kids)
                rooms = max(1, round(len(kids) / HOMEROOM_SIZE[index]))
                if index == 0:
                    for room in range(rooms):
                        number = 100 * (grade + 1) + room + 1  # K: 101, 102…; grade 1: 201…
                        teacher = _TeacherPlan(f"{grade_label(grade)} teacher")
                        teacher.sections.append(add_section(
                            school, f"{grade_label(grade)}, Room {number}",
                            Section.Kind.HOMEROOM, [grade], sessions["year"], None,
                            kids[room::rooms],
                        ))  # fmt: skip
                        school_teachers.append(teacher)
                    continue
                core = [
                    _TeacherPlan(f"{subject} teacher, {grade_label(grade)}")
                    for subject, _ in CORE_COURSES[grade]
                ]
                school_teachers.extend(core)
                for room in range(rooms):
                    core[room % len(core)].sections.append(add_section(
                        school, f"Homeroom {grade}{_room_letter(room)}",
                        Section.Kind.HOMEROOM, [grade], sessions["year"], None,
                        kids[room::rooms],
                    ))  # fmt: skip
                for position, ((_, title), teacher) in enumerate(
                    zip(CORE_COURSES[grade], core, strict=True)
                ):
                    course = Course(
                        district=district, school=school, title=title,
                        code=f"{spec.code}-{ascii_name(title)[:6].upper()}{grade}",
                    )  # fmt: skip
                    courses.append(course)
                    count = max(1, round(len(kids) / CLASS_SIZE))
                    for k in range(count):
                        period = (position * 2 + k) % 7 + 1
                        teacher.sections.append(add_section(
                            school, f"{title}, Period {period}", Section.Kind.SCHEDULED,
                            [grade], sessions["year"], course, kids[k::count],
                        ))  # fmt: skip
                takers.extend(kid for kid in kids if self.chance(ELECTIVE_SHARE))
            if index == 0:
                continue
            # Electives mix the school's grades and last one semester.
            slots: dict[tuple[str, str], list[_Child]] = {
                (subject, term): [] for subject in ELECTIVES[index] for term in ("fall", "spring")
            }
            for kid in takers:
                slots[self.rng.choice(list(slots))].append(kid)
            for subject in ELECTIVES[index]:
                teacher = _TeacherPlan(f"{subject} teacher")
                school_teachers.append(teacher)
                course = Course(
                    district=district, school=school, title=subject,
                    code=f"{spec.code}-{ascii_name(subject)[:6].upper()}",
                )  # fmt: skip
                courses.append(course)
                for term in ("fall", "spring"):
                    members = slots[(subject, term)]
                    count = max(1, math.ceil(len(members) / (CLASS_SIZE + 2)))
                    for k in range(count):
                        teacher.sections.append(add_section(
                            school, f"{subject} ({sessions[term].title}), Period {6 + k % 2}",
                            Section.Kind.SCHEDULED, list(spec.grades), sessions[term], course,
                            members[k::count],
                        ))  # fmt: skip

        Course.objects.bulk_create(courses)
        Section.objects.bulk_create([section for section, _ in sections])
        Section.sessions.through.objects.bulk_create(
            Section.sessions.through(section=section, academicsession=session)
            for section, session in sections
        )
        session_of = {id(section): session for section, session in sections}
        StudentEnrollment.objects.bulk_create(
            StudentEnrollment(
                section=section,
                student=child.student,
                begin_date=session_of[id(section)].start_date,
                end_date=session_of[id(section)].end_date,
            )
            for section, child in enrollments
        )
        self.counts["courses"] = len(courses)
        self.counts["sections"] = len(sections)
        self.counts["enrollments"] = len(enrollments)
        return teachers

    # -- step 4

    def write_caregivers(self, district: District, households: list[_Household]) -> None:
        caregivers: list[Caregiver] = []
        contacts: list[ContactPoint] = []
        windows: list[ContactWindow] = []
        links: list[CaregiverLink] = []
        for household in households:
            home_phone = ""
            for position, adult in enumerate(household.adults):
                caregiver = Caregiver(
                    district=district,
                    given_name=adult.given,
                    family_name=adult.family,
                    preferred_language=adult.language,
                    other_languages=adult.other_languages,
                    reads_preferred_language=adult.reads,
                    time_zone=TIME_ZONE,
                    needs_interpretation=adult.needs_interpretation,
                    needs_childcare=self.chance(0.12),
                    needs_transport=self.chance(0.07),
                )
                adult.caregiver = caregiver
                caregivers.append(caregiver)
                if household.no_contact:
                    # No phone, no e-mail: the school writes letters, in the family's language.
                    caregiver.channel_preferences = [Channel.PAPER]
                else:
                    shared = home_phone if adult.lives_with else ""
                    points = self.contact_points(caregiver, adult, position, shared)
                    home_phone = home_phone or next(
                        (
                            p.value
                            for p in points
                            if p.kind == ContactPoint.Kind.PHONE
                            and p.label == ContactPoint.Label.HOME
                        ),
                        "",
                    )
                    contacts.extend(points)
                    if self.chance(0.6):
                        pattern = self.planner.weighted(CONTACT_WINDOWS)
                        windows.extend(
                            ContactWindow(caregiver=caregiver, weekdays=days, start=start, end=end)
                            for days, start, end in pattern
                        )
                for child in household.children:
                    links.append(
                        CaregiverLink(
                            caregiver=caregiver,
                            student=child.student,
                            relationship=adult.relationship,
                            is_primary=position == 0,
                            lives_with_student=adult.lives_with,
                        )
                    )
        # A few adults the school must never contact about a child (a court order), most often
        # a parent who lives elsewhere.
        barred = max(3, round(0.005 * len(links)))
        candidates = [link for link in links if link.lives_with_student is False]
        if len(candidates) < barred:
            candidates += [
                link for link in links if not link.is_primary and link.lives_with_student
            ]
        for link in self.rng.sample(candidates, barred):
            link.may_contact = False
        Caregiver.objects.bulk_create(caregivers)
        ContactPoint.objects.bulk_create(contacts)
        ContactWindow.objects.bulk_create(windows)
        CaregiverLink.objects.bulk_create(links)
        self.counts["caregivers"] = len(caregivers)
        self.counts["caregiver links"] = len(links)
        self.counts["contact points"] = len(contacts)
        self.counts["contact windows"] = len(windows)

    def contact_points(
        self, caregiver: Caregiver, adult: _Adult, position: int, shared_home_phone: str
    ) -> list[ContactPoint]:
        """The adult's phones and e-mail; sets their channels and consent to texts."""
        points: list[ContactPoint] = []

        def add(kind: str, value: str, label: str, sms: bool) -> None:
            points.append(ContactPoint(
                caregiver=caregiver, kind=kind, value=value, label=label, sms_capable=sms,
                from_roster=True,
            ))  # fmt: skip

        mobile = landline = False
        if shared_home_phone:
            add(ContactPoint.Kind.PHONE, shared_home_phone, ContactPoint.Label.HOME, False)
            landline = True
        wants_phone = not adult.reads or self.chance(0.97 if position == 0 else 0.88)
        if wants_phone and not self.chance(0.05):
            add(ContactPoint.Kind.PHONE, self.unique.phone(), ContactPoint.Label.MOBILE, True)
            mobile = True
            if self.chance(0.04):
                add(ContactPoint.Kind.PHONE, self.unique.phone(), ContactPoint.Label.WORK, False)
        elif wants_phone and not landline:
            add(ContactPoint.Kind.PHONE, self.unique.phone(), ContactPoint.Label.HOME, False)
            landline = True
        email_share = HAS_EMAIL.get(adult.relationship, 0.7 if adult.language == "en" else 0.4)
        email = self.chance(email_share) or not (mobile or landline)
        if email:
            add(ContactPoint.Kind.EMAIL, self.unique.email(adult.given, adult.family),
                ContactPoint.Label.HOME, False)  # fmt: skip

        channels: list[str] = []
        if not adult.reads:
            channels = [Channel.VOICE]
        else:
            if mobile:
                channels.append(Channel.SMS)
            if email:
                email_first = self.chance(0.35 if adult.language == "en" else 0.15)
                channels.insert(0 if email_first else len(channels), Channel.EMAIL)
            if landline and not mobile:
                channels.append(Channel.VOICE)
        caregiver.channel_preferences = channels
        adult.texts_first = channels[:1] == [Channel.SMS]
        if mobile:
            caregiver.sms_consent_at = SMS_CONSENT_AT
            caregiver.sms_consent_method = Caregiver.ConsentMethod.ROSTER
        return points

    # -- step 5

    def plan_staff(
        self, schools: list[School], households: list[_Household],
        teachers: list[list[_TeacherPlan]],
    ) -> list[_StaffPlan]:  # fmt: skip
        used: set[tuple[str, str]] = set()

        def person(language: str) -> tuple[str, str]:
            while True:
                sex = "female" if self.chance(0.6) else "male"
                given = self.planner.name(language, sex)
                family = self.planner.family_name(language, sex)
                given, family = PINYIN.get(given, given), PINYIN.get(family, family)
                if (given, family) not in used:
                    used.add((given, family))
                    return given, family

        def plan(
            username: str, language: str, role: str, school: School | None, title: str,
            languages: list[str], sections: list[Section] | None = None,
        ) -> _StaffPlan:  # fmt: skip
            given, family = person(language)
            return _StaffPlan(
                username, given, family, role, school, title, languages, sections or []
            )

        staff = [
            plan("admin", "en", Role.DISTRICT_ADMIN, None, "Director of family engagement",
                 ["en", "es"]),
        ]  # fmt: skip
        for school, liaison_groups, school_teachers in zip(
            schools, self.liaison_groups(households), teachers, strict=True
        ):
            slug = school.slug
            leader_language = "es" if self.chance(0.3) else "en"
            staff.append(plan(
                f"leader.{slug}", leader_language, Role.SCHOOL_LEADER, school, "Principal",
                sorted({"en", leader_language}),
            ))  # fmt: skip
            counselor_language = "es" if self.chance(0.4) else "en"
            staff.append(plan(
                f"counselor.{slug}", counselor_language, Role.COUNSELOR, school,
                "School counselor", sorted({"en", counselor_language}),
            ))  # fmt: skip
            for number, group in enumerate(liaison_groups, start=1):
                names = ", ".join(registry.get(code).english_name for code in group)
                staff.append(plan(
                    f"liaison{number if number > 1 else ''}.{slug}", group[0], Role.LIAISON,
                    school, f"Community liaison ({names})", [*group, "en"],
                ))  # fmt: skip
            for number, teacher in enumerate(school_teachers, start=1):
                language = self.planner.weighted(
                    (("en", 78), ("es", 15), ("vi", 2), ("ko", 1), ("ar", 2), ("tl", 2))
                )
                staff.append(plan(
                    f"teacher{number if number > 1 else ''}.{slug}", language, Role.TEACHER,
                    school, teacher.title, sorted({"en", language}), teacher.sections,
                ))  # fmt: skip
        return staff

    def liaison_groups(self, households: list[_Household]) -> list[list[tuple[str, ...]]]:
        """Two liaisons per school: Spanish and Portuguese, and the school's next community.

        The school with the most Somali families has a Somali liaison; the others get the
        largest language group at their school that no other school's liaison covers yet.
        """
        families = [Counter[str]() for _ in SCHOOLS]
        for household in households:
            for index in sorted({child.school_index for child in household.children}):
                families[index][household.language] += 1
        somali = max(range(len(SCHOOLS)), key=lambda i: (families[i]["so"], -i))
        taken: list[tuple[str, ...]] = []
        result = []
        for index, counts in enumerate(families):
            if index == somali and counts["so"]:
                second: tuple[str, ...] = ("so",)
            else:
                candidates = [g for g in LIAISON_GROUPS[1:] if g not in taken and g != ("so",)]
                second = max(candidates, key=lambda g: sum(counts[code] for code in g))
            taken.append(second)
            result.append([LIAISON_GROUPS[0], second])
        return result

    def write_staff(self, district: District, plans: list[_StaffPlan]) -> list[SignIn]:
        user_model = get_user_model()
        taken = list(
            user_model.objects.filter(username__in=[p.username for p in plans]).values_list(
                "username", flat=True
            )
        )
        if taken:
            raise DemoDistrictExistsError(
                f"These user names are taken and the demo needs them: {', '.join(taken)}."
            )
        sign_ins = []
        user_ids = []
        for plan in plans:
            staff: Staff = do_create_staff(
                district=district,
                # The demo password is set below, hashed once for everyone: Argon2 takes about
                # 50 ms per hash, which would be most of the build's time for ~70 staff.
                password=None,
                username=plan.username,
                given_name=plan.given,
                family_name=plan.family,
                email=f"{plan.username}@{STAFF_EMAIL_DOMAIN}",
                roles=[(plan.role, plan.school)],
                sections=plan.sections,
                languages=plan.languages,
                title=plan.title,
            )
            user_ids.append(staff.user_id)
            sign_ins.append(
                SignIn(
                    role=str(Role(plan.role).label),
                    username=plan.username,
                    school=plan.school.name if plan.school else "district",
                    languages=tuple(plan.languages) if plan.role == Role.LIAISON else (),
                )
            )
        user_model.objects.filter(pk__in=user_ids).update(password=make_password(DEMO_PASSWORD))
        self.counts["staff"] = len(plans)
        return sign_ins


# --------------------------------------------------------------------------------------------
# Entry points.
# --------------------------------------------------------------------------------------------


def demo_district_exists() -> bool:
    return District.objects.filter(slug=DISTRICT_SLUG).exists()


def build_demo_district(*, seed: int, students: int = DEFAULT_STUDENTS) -> DemoSummary:
    """Write the demo district for ``seed`` into the database, in one transaction.

    Raises :class:`DemoDistrictExistsError` if it is already there (see
    :func:`delete_demo_district`) and ``ValueError`` for fewer than ``MIN_STUDENTS`` students,
    too few for every language and school to have families.
    """
    if students < MIN_STUDENTS:
        raise ValueError(f"The demo district needs at least {MIN_STUDENTS} students.")
    with transaction.atomic():
        if demo_district_exists():
            raise DemoDistrictExistsError(
                f"A district with the slug {DISTRICT_SLUG!r} is already in the database."
            )
        return _Builder(seed=seed, students=students).build()


def demo_families(district: District) -> list[DemoFamily]:
    """A Spanish- and a Vietnamese-speaking caregiver, for the walkthrough.

    Best: a caregiver who prefers texts and whose child is in a class of a ``teacher.<school>``
    sign-in (so the demo teacher sees the same family); the lowest id among equals.
    """
    shown = Section.objects.filter(
        school__district=district, assignments__staff__user__username__startswith="teacher."
    )
    families = []
    for language in ("es", "vi"):
        caregiver = (
            Caregiver.objects.filter(district=district, preferred_language=language)
            .annotate(
                texts_first=Exists(
                    Caregiver.objects.filter(pk=OuterRef("pk"), channel_preferences__0="sms")
                ),
                in_shown_class=Exists(
                    CaregiverLink.objects.filter(
                        caregiver=OuterRef("pk"), student__enrollments__section__in=shown
                    )
                ),
            )
            .order_by("-texts_first", "-in_shown_class", "pk")
            .first()
        )
        if caregiver is not None:
            families.append(
                DemoFamily(
                    caregiver_id=caregiver.pk,
                    name=caregiver.display_name,
                    language=language,
                    language_name=registry.get(language).english_name,
                )
            )
    return families


def existing_summary(*, seed: int) -> DemoSummary | None:
    """Describe the demo district already in the database (for ``seed_demo --if-missing``).

    Sign-ins are read back from the staff rows (in the order they were created); the demo
    families are chosen by :func:`demo_families`, as when the district was built.
    """
    district = District.objects.filter(slug=DISTRICT_SLUG).first()
    if district is None:
        return None
    sign_ins = [
        SignIn(
            role=str(Role(role.role).label),
            username=role.staff.user.username,
            school=role.school.name if role.school else "district",
            languages=tuple(role.staff.languages) if role.role == Role.LIAISON else (),
        )
        for role in StaffRole.objects.filter(staff__district=district)
        .select_related("staff__user", "school")
        .order_by("staff_id", "pk")
    ]
    families = demo_families(district)
    counts = {
        "schools": School.objects.filter(district=district).count(),
        "students": Student.objects.filter(district=district).count(),
        "caregivers": Caregiver.objects.filter(district=district).count(),
        "staff": Staff.objects.filter(district=district).count(),
    }
    return DemoSummary(
        district=district.name,
        seed=seed,
        counts=counts,
        sign_ins=sign_ins,
        password=DEMO_PASSWORD,
        families=families,
    )


def delete_demo_district() -> bool:
    """Delete the demo district, everything in it and its staff's sign-ins.

    Returns whether there was one to delete.
    """
    district = District.objects.filter(slug=DISTRICT_SLUG).first()
    if district is None:
        return False
    with transaction.atomic():
        # The district first: what its staff wrote (announcements) goes with it, and a staff
        # member who wrote something cannot be deleted on their own (on_delete=RESTRICT).
        users = list(
            get_user_model().objects.filter(staff__district=district).values_list("pk", flat=True)
        )
        district.delete()
        get_user_model().objects.filter(pk__in=users).delete()
    return True
