"""Chinese numerals as law articles are numbered: 第一千一百六十五条, 第一百一十条."""

DIGITS = "零一二三四五六七八九"
UNITS = ((1000, "千"), (100, "百"), (10, "十"))
_DIGIT_VALUE = {char: value for value, char in enumerate(DIGITS)}
_UNIT_VALUE = {char: value for value, char in UNITS}


def chinese_to_int(text):
    """Value of a Chinese numeral below 10,000; ValueError if it is not one."""
    if not text or any(
        char not in _DIGIT_VALUE and char not in _UNIT_VALUE for char in text
    ):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, None
    for char in text:
        if char in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[char]
        else:
            # 十 alone at the start means 一十 (十五 = 15).
            total += (1 if digit is None else digit) * _UNIT_VALUE[char]
            digit = None
    if digit:
        total += digit
    if total == 0:
        raise ValueError(f"not a Chinese numeral: {text!r}")
    return total


def int_to_chinese(number):
    """The numeral as official texts write it: 十五, 一百一十, 一千零二十四."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    if 10 <= number < 20:
        return "十" + (DIGITS[number - 10] if number > 10 else "")
    parts, pending_zero = [], False
    remainder = number
    for value, unit in UNITS:
        digit, remainder = divmod(remainder, value)
        if digit:
            if pending_zero:
                parts.append("零")
            parts.append(DIGITS[digit] + unit)
            pending_zero = False
        elif parts:
            pending_zero = True
    if remainder:
        if pending_zero:
            parts.append("零")
        parts.append(DIGITS[remainder])
    return "".join(parts)


def article_label(number):
    return f"第{int_to_chinese(number)}条"
