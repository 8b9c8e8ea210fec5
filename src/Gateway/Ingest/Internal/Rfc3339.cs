namespace Expothesis.Fast.Gateway.Ingest.Internal;

/// <summary>Parses RFC 3339 timestamps from UTF-8 bytes into Unix epoch milliseconds, without allocating.</summary>
internal static class Rfc3339
{
    /// <summary>Earliest accepted instant: 0001-01-01T00:00:00Z.</summary>
    public const long MinEpochMs = -62_135_596_800_000L;
    /// <summary>Latest accepted instant: 9999-12-31T23:59:59.999Z.</summary>
    public const long MaxEpochMs = 253_402_300_799_999L;

    /// <summary>
    /// Parses <c>YYYY-MM-DD(T|t| )hh:mm:ss[.fraction](Z|z|±hh:mm|±hhmm)</c>. Fractions beyond
    /// milliseconds are truncated; a leap second (:60) counts as :59.999.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out long epochMs)
    {
        epochMs = 0;
        if (s.Length < 20
            || !TryDigits(s, 0, 4, out int year) || s[4] != '-'
            || !TryDigits(s, 5, 2, out int month) || s[7] != '-'
            || !TryDigits(s, 8, 2, out int day)
            || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
            || !TryDigits(s, 11, 2, out int hour) || s[13] != ':'
            || !TryDigits(s, 14, 2, out int minute) || s[16] != ':'
            || !TryDigits(s, 17, 2, out int second))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        int i = 19;
        int millis = 0;
        if (s[i] == '.')
        {
            i++;
            int start = i;
            while (i < s.Length && (uint)(s[i] - '0') <= 9)
            {
                if (i - start < 3)
                {
                    millis = millis * 10 + (s[i] - '0');
                }
                i++;
            }
            int digits = i - start;
            if (digits == 0)
            {
                return false;
            }
            for (int d = digits; d < 3; d++)
            {
                millis *= 10;
            }
        }
        if (second == 60)
        {
            second = 59;
            millis = 999;
        }
        if (i >= s.Length)
        {
            return false;
        }
        int offsetMinutes;
        byte z = s[i];
        if (z is (byte)'Z' or (byte)'z')
        {
            offsetMinutes = 0;
            i++;
        }
        else if (z is (byte)'+' or (byte)'-')
        {
            int oh, om;
            if (i + 6 <= s.Length && s[i + 3] == ':' && TryDigits(s, i + 1, 2, out oh) && TryDigits(s, i + 4, 2, out om))
            {
                i += 6;
            }
            else if (i + 5 <= s.Length && TryDigits(s, i + 1, 2, out oh) && TryDigits(s, i + 3, 2, out om))
            {
                i += 5;
            }
            else
            {
                return false;
            }
            if (oh > 23 || om > 59)
            {
                return false;
            }
            offsetMinutes = (oh * 60 + om) * (z == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }
        if (i != s.Length)
        {
            return false;
        }
        long days = DaysFromCivil(year, month, day);
        long ms = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000L + second * 1000L + millis;
        if (ms is < MinEpochMs or > MaxEpochMs)
        {
            return false;
        }
        epochMs = ms;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, int at, int count, out int value)
    {
        value = 0;
        for (int k = 0; k < count; k++)
        {
            uint d = (uint)(s[at + k] - '0');
            if (d > 9)
            {
                return false;
            }
            value = value * 10 + (int)d;
        }
        return true;
    }

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    // Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
    private static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
