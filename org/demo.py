"""Demo data for people to look at: the prefecture's real places, units, demo staff.

Idempotent: everything is looked up by a natural key first, so a second run changes
nothing. Tests never depend on it (they build their own data with factories).
"""

import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from org import roles
from org.models import Person, Place, StaffScope, Unit
from org.services import find_or_create_person, id_number_check_character

PREFECTURE = ("博尔塔拉蒙古自治州", "652700")

# name, division code, townships as (name, verified?). Names not verified against an
# official list are marked as demo names in the data (Place.is_demo_name).
COUNTIES = [
    (
        "博乐市",
        "652701",
        [
            ("青得里街道", True),
            ("顾里木图街道", True),
            ("南城街道", True),
            ("红星街道", False),
            ("小营盘镇", True),
            ("达勒特镇", True),
            ("乌图布拉格镇", True),
            ("青得里镇", False),
            ("贝林哈日莫墩乡", True),
            ("哈日图热格林场", False),
            ("三台林场", False),
            ("博乐农场", False),
        ],
    ),
    (
        "阿拉山口市",
        "652702",
        [("艾比湖镇", True), ("阿拉套街道", False), ("口岸街道", False)],
    ),
    (
        "精河县",
        "652722",
        [
            ("精河镇", True),
            ("大河沿子镇", True),
            ("托里镇", True),
            ("托托镇", False),
            ("茫丁乡", True),
            ("八家户农场", False),
            ("阿合其农场", False),
            ("沙山子牧场", False),
        ],
    ),
    (
        "温泉县",
        "652723",
        [
            ("博格达尔镇", True),
            ("哈日布呼镇", True),
            ("安格里格镇", True),
            ("查干屯格乡", True),
            ("扎勒木特乡", True),
            ("塔秀乡", True),
            ("昆得仑牧场", False),
        ],
    ),
]

# Prefecture departments and other organisations (demo list: the office's real
# co-producers are entered by its staff).
PREFECTURE_UNITS = [
    ("州委政法委员会", "州委政法委", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州司法局", "州司法局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州公安局", "州公安局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州中级人民法院", "州中院", Unit.Kind.JUDICIAL),
    ("州人民检察院", "州检察院", Unit.Kind.JUDICIAL),
    ("州发展和改革委员会", "州发改委", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州教育局", "州教育局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州科学技术局", "州科技局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州工业和信息化局", "州工信局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州民族宗教事务委员会", "州民宗委", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州民政局", "州民政局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州财政局", "州财政局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州人力资源和社会保障局", "州人社局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州自然资源局", "州自然资源局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州生态环境局", "州生态环境局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州住房和城乡建设局", "州住建局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州交通运输局", "州交通运输局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州水利局", "州水利局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州农业农村局", "州农业农村局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州商务局", "州商务局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州文化体育广播电视和旅游局", "州文旅局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州卫生健康委员会", "州卫健委", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州退役军人事务局", "州退役军人事务局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州应急管理局", "州应急管理局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州审计局", "州审计局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州市场监督管理局", "州市场监管局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州统计局", "州统计局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州医疗保障局", "州医保局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州林业和草原局", "州林草局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州信访局", "州信访局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州政务服务和公共资源交易中心", "州政务服务中心", Unit.Kind.PUBLIC_INSTITUTION),
    ("州住房公积金管理中心", "州公积金中心", Unit.Kind.PUBLIC_INSTITUTION),
    ("州国有资产监督管理委员会", "州国资委", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州机关事务管理局", "州机关事务局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州税务局", "州税务局", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州消防救援支队", "州消防支队", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州公安局交通警察支队", "州交警支队", Unit.Kind.PREFECTURE_DEPARTMENT),
    ("州总工会", "州总工会", Unit.Kind.SOCIAL_ORGANISATION),
    ("共青团博州委员会", "团州委", Unit.Kind.SOCIAL_ORGANISATION),
    ("州妇女联合会", "州妇联", Unit.Kind.SOCIAL_ORGANISATION),
    ("州残疾人联合会", "州残联", Unit.Kind.SOCIAL_ORGANISATION),
    ("州科学技术协会", "州科协", Unit.Kind.SOCIAL_ORGANISATION),
    ("州工商业联合会", "州工商联", Unit.Kind.SOCIAL_ORGANISATION),
    ("州供销合作社联合社", "州供销社", Unit.Kind.PUBLIC_INSTITUTION),
    ("州疾病预防控制中心", "州疾控中心", Unit.Kind.PUBLIC_INSTITUTION),
    ("州融媒体中心", "州融媒体中心", Unit.Kind.PUBLIC_INSTITUTION),
    ("州律师协会", "州律协", Unit.Kind.SOCIAL_ORGANISATION),
    ("州公证处", "州公证处", Unit.Kind.PUBLIC_INSTITUTION),
]
# Each county's own law-publicity partners.
COUNTY_UNIT_SUFFIXES = [
    ("司法局", Unit.Kind.COUNTY_DEPARTMENT),
    ("人民法院", Unit.Kind.JUDICIAL),
    ("人民检察院", Unit.Kind.JUDICIAL),
    ("公安局", Unit.Kind.COUNTY_DEPARTMENT),
    ("市场监督管理局", Unit.Kind.COUNTY_DEPARTMENT),
]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢"
    "宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = (
    "建国志强海燕丽娟春梅明辉秀英红霞国庆晓东"
    "玉兰文华新民桂芳军伟丹丹振华雪莲德明淑珍永胜"
)
# Mongolian, Kazakh and Uyghur names are common in the prefecture.
FULL_NAMES = [
    "巴特尔",
    "其其格",
    "阿依古丽",
    "努尔兰",
    "乌兰",
    "买买提·吐尔逊",
    "古丽娜尔",
    "额尔德尼",
]

# Demo staff: username, role, county (None: whole prefecture), password.
DEMO_STAFF = [
    ("admin", roles.ADMINISTRATOR, None, "pufa-admin-2026"),
    ("editor", roles.EDITOR, None, "pufa-editor-2026"),
    ("reviewer", roles.REVIEWER, None, "pufa-reviewer-2026"),
    ("proctor", roles.PROCTOR, None, "pufa-proctor-2026"),
    ("organiser", roles.ORGANISER, None, "pufa-organiser-2026"),
    ("organiser_bole", roles.ORGANISER, "博乐市", "pufa-bole-2026"),
]
DEMO_PEOPLE = 80


def demo_id_number(rng, county_code):
    birth = f"{rng.randint(1965, 1998)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"{county_code}{birth}{rng.randint(0, 999):03d}"
    return first17 + id_number_check_character(first17)


def load_places():
    prefecture, _created = Place.objects.get_or_create(
        name=PREFECTURE[0],
        parent=None,
        defaults={"kind": Place.Kind.PREFECTURE, "code": PREFECTURE[1]},
    )
    counties = {}
    for county_order, (county_name, code, townships) in enumerate(COUNTIES):
        county, _created = Place.objects.get_or_create(
            name=county_name,
            parent=prefecture,
            defaults={
                "kind": Place.Kind.COUNTY,
                "code": code,
                "sort_order": county_order,
            },
        )
        counties[county_name] = county
        for order, (township, verified) in enumerate(townships):
            Place.objects.get_or_create(
                name=township,
                parent=county,
                defaults={
                    "kind": Place.Kind.TOWNSHIP,
                    "is_demo_name": not verified,
                    "sort_order": order,
                },
            )
    return prefecture, counties


def load_units(prefecture, counties):
    order = 0
    for name, short_name, kind in PREFECTURE_UNITS:
        order += 1
        Unit.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "kind": kind,
                "place": prefecture,
                "sort_order": order,
            },
        )
    for county_name, county in counties.items():
        for suffix, kind in COUNTY_UNIT_SUFFIXES:
            order += 1
            Unit.objects.get_or_create(
                name=f"{county_name}{suffix}",
                defaults={"kind": kind, "place": county, "sort_order": order},
            )


def load_people(counties):
    rng = random.Random(20231109)
    county_list = list(counties.values())
    units = list(Unit.objects.order_by("pk"))
    positions = ["科员", "副科长", "科长", "副局长", "局长", "副主任", "主任", "乡镇长"]
    for index in range(DEMO_PEOPLE):
        if index % 10 == 0:
            name = FULL_NAMES[(index // 10) % len(FULL_NAMES)]
        else:
            name = (
                rng.choice(SURNAMES)
                + rng.choice(GIVEN)
                + rng.choice(["", rng.choice(GIVEN)])
            )
        county = county_list[index % len(county_list)] if index % 5 else None
        id_number = demo_id_number(rng, county.code if county else "652701")
        phone = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
        find_or_create_person(
            full_name=name,
            id_number=id_number,
            phone=phone,
            unit=rng.choice(units),
            position=rng.choice(positions),
            county=county,
        )


def load_staff(counties):
    User = get_user_model()
    lines = []
    print_passwords = getattr(settings, "PUFA_PRINT_DEMO_PASSWORDS", False)
    for username, role_key, county_name, password in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@pufa.example.cn"}
        )
        if created:
            if print_passwords:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.is_superuser = role_key == roles.ADMINISTRATOR
            user.is_staff = user.is_superuser
            user.save()
        user.groups.add(roles.role_group(role_key))
        StaffScope.objects.get_or_create(
            user=user,
            defaults={"county": counties.get(county_name) if county_name else None},
        )
        role_label = str(roles.ROLES[role_key].label)
        scope = county_name or _("whole prefecture")
        if print_passwords:
            lines.append(f"  {username:<16} {password:<22} {role_label}（{scope}）")
        else:
            lines.append(f"  {username:<16} {role_label}（{scope}）")
    return lines


def load(command):
    prefecture, counties = load_places()
    load_units(prefecture, counties)
    load_people(counties)
    with translation.override(settings.LANGUAGE_CODE):
        staff_lines = load_staff(counties)
        header = [
            _("Demo data ready: %(places)d places, %(units)d units, %(people)d people.")
            % {
                "places": Place.objects.count(),
                "units": Unit.objects.count(),
                "people": Person.objects.count(),
            },
            _("Admin: %(url)s/admin/") % {"url": settings.WAGTAILADMIN_BASE_URL},
        ]
        if getattr(settings, "PUFA_PRINT_DEMO_PASSWORDS", False):
            header.append(_("Demo logins (username, password, role):"))
        else:
            header.append(
                _(
                    "Demo logins have no password here; "
                    "set one with manage.py changepassword:"
                )
            )
    return "\n".join([*header, *staff_lines])
