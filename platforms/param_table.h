/*
 * Tables of named parameters of a plain struct (platform.*, hyp.*): one entry
 * per field with its kind, offset, allowed strings and description, and the
 * one implementation of parsing a value, printing it and writing the table as
 * JSON that every such struct uses (platform_params.cpp, hyp_params.cpp).
 */
#ifndef GICTLM_PARAM_TABLE_H
#define GICTLM_PARAM_TABLE_H

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace gictlm {

/* flag: a uint64_t field that is 0 or 1 (an on/off switch; also true/false) */
enum class param_kind { u64, dbl, str, flag };

struct param_desc {
    const char *name;
    const char *doc;
    param_kind kind;
    size_t off;          /* offsetof the field in its struct */
    const char *choices; /* strings: comma-separated allowed values (nullptr: checked by the owner) */
};

/* The entry of table [b, e) named n, nullptr if none. */
inline const param_desc *param_find(const param_desc *b, const param_desc *e, const std::string &n)
{
    for (const param_desc *d = b; d != e; d++)
        if (n == d->name) return d;
    return nullptr;
}

template <typename T, typename P> T &param_field(P &p, size_t off)
{
    return *reinterpret_cast<T *>(reinterpret_cast<char *>(&p) + off);
}
template <typename T, typename P> const T &param_field(const P &p, size_t off)
{
    return *reinterpret_cast<const T *>(reinterpret_cast<const char *>(&p) + off);
}

/* Parse value into d's field of p. label names the parameter in messages
 * ("platform.devices"); numbers: unsigned integers (decimal, 0x, octal) with
 * no sign or leading space, doubles in [0, max_dbl]; flags 0, 1, false or
 * true; strings one of d.choices. */
template <typename P>
bool param_set_value(const param_desc &d, P &p, const std::string &label, const std::string &value, double max_dbl,
                     std::string &err)
{
    const char *s = value.c_str();
    char *end = nullptr;
    switch (d.kind) {
    case param_kind::u64: {
        errno = 0;
        unsigned long long v = std::strtoull(s, &end, 0);
        if (!*s || *end || errno || s[0] == '-' || std::isspace((unsigned char)s[0])) {
            err = label + ": '" + value + "' is not an unsigned integer";
            return false;
        }
        param_field<uint64_t>(p, d.off) = v;
        return true;
    }
    case param_kind::flag: {
        if (value == "0" || value == "false" || value == "1" || value == "true") {
            param_field<uint64_t>(p, d.off) = value == "1" || value == "true";
            return true;
        }
        err = label + ": '" + value + "' is not 0 or 1 (an on/off switch)";
        return false;
    }
    case param_kind::dbl: {
        double v = std::strtod(s, &end);
        if (!*s || *end || !(v >= 0) || std::isinf(v) || std::isspace((unsigned char)s[0])) {
            err = label + ": '" + value + "' is not a non-negative number";
            return false;
        }
        if (v > max_dbl) {
            char m[32];
            std::snprintf(m, sizeof m, "%g", max_dbl);
            err = label + ": '" + value + "' exceeds its maximum " + m;
            return false;
        }
        param_field<double>(p, d.off) = v;
        return true;
    }
    case param_kind::str: {
        std::stringstream ss(d.choices ? d.choices : "");
        std::string c;
        while (std::getline(ss, c, ','))
            if (c == value) {
                param_field<std::string>(p, d.off) = value;
                return true;
            }
        err = label + ": '" + value + "' is not one of " + (d.choices ? d.choices : "");
        return false;
    }
    }
    return false;
}

/* d's field of p as text (doubles with the fewest digits, at most 17, that
 * read back the same: 0.2, not 0.20000000000000001). */
template <typename P> std::string param_get_value(const param_desc &d, const P &p)
{
    switch (d.kind) {
    case param_kind::u64:
    case param_kind::flag: return std::to_string(param_field<uint64_t>(p, d.off));
    case param_kind::dbl: {
        const double v = param_field<double>(p, d.off);
        char b[64];
        if (v == static_cast<double>(static_cast<long long>(v)) && v > -1e15 && v < 1e15) {
            std::snprintf(b, sizeof b, "%.0f", v); /* a whole number as such: 2000, not 2e+03 */
            return b;
        }
        for (int prec = 1; prec <= 17; prec++) {
            std::snprintf(b, sizeof b, "%.*g", prec, v);
            if (std::strtod(b, nullptr) == v) break;
        }
        return b;
    }
    case param_kind::str: return param_field<std::string>(p, d.off);
    }
    return "";
}

/* Every field of table [b, e) into j by name. */
template <typename P> void param_table_json(const param_desc *b, const param_desc *e, const P &p, nlohmann::json &j)
{
    for (const param_desc *d = b; d != e; d++) {
        switch (d->kind) {
        case param_kind::u64:
        case param_kind::flag: j[d->name] = param_field<uint64_t>(p, d->off); break;
        case param_kind::dbl: j[d->name] = param_field<double>(p, d->off); break;
        case param_kind::str: j[d->name] = param_field<std::string>(p, d->off); break;
        }
    }
}

} // namespace gictlm

#endif
