from pufa.translations import catalogue_paths, untranslated_entries


def test_every_string_has_a_chinese_translation():
    missing = [f"{path.name}: {entry.msgid}" for path, entry in untranslated_entries()]

    assert list(catalogue_paths())
    assert missing == []
