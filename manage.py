#!/usr/bin/env python
import sys

from pufa import use_environment_settings

if __name__ == "__main__":
    use_environment_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
