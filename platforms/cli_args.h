/*
 * Command-line reading shared by gictlm-platform's two front ends (main.cpp:
 * the physical platform; hyp_cli.cpp: --hyp): walking the arguments, the
 * value that follows an option, and the configuration options --config FILE,
 * -p NAME=VALUE and -pNAME=VALUE, which are applied once all arguments are
 * read: every --config file first, in the order given, then every -p in the
 * order given, wherever each stands on the command line (a later one
 * overrides an earlier one; docs/user-guide.md section 4).
 */
#ifndef GICTLM_CLI_ARGS_H
#define GICTLM_CLI_ARGS_H

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace gictlm {

class cli_args {
public:
    cli_args(int argc, char **argv) : argc_(argc), argv_(argv) {}

    /* The next argument into a; false after the last one. */
    bool next(std::string &a)
    {
        if (i_ + 1 >= argc_) return false;
        a = argv_[++i_];
        return true;
    }
    /* The value of option opt (the next argument); a missing value ends the
     * program with a message and exit status 1. */
    std::string value(const char *opt)
    {
        if (i_ + 1 >= argc_) {
            std::fprintf(stderr, "gictlm-platform: %s needs an argument\n", opt);
            std::exit(1);
        }
        return argv_[++i_];
    }
    /* Records a if it is a configuration option (taking its value); false
     * for any other argument. */
    bool config_option(const std::string &a)
    {
        if (a == "--config") actions_.push_back({true, value("--config")});
        else if (a == "-p") actions_.push_back({false, value("-p")});
        else if (a.rfind("-p", 0) == 0 && a.size() > 2 && a.find('=') != std::string::npos)
            actions_.push_back({false, a.substr(2)});
        else return false;
        return true;
    }
    using apply_fn = std::function<bool(const std::string &, std::string &)>;
    /* Applies the configuration options: json(text of the file, err) for
     * each --config in order, then kv("NAME=VALUE", err) for each -p in
     * order (a -p before a --config still overrides the file). Prints the
     * first error and returns false. */
    bool apply(const apply_fn &json, const apply_fn &kv) const
    {
        for (const bool files : {true, false})
            for (const auto &act : actions_)
                if (act.first == files && !apply_one(act, json, kv)) return false;
        return true;
    }

private:
    /* One --config (act.first) or -p; prints its error. */
    static bool apply_one(const std::pair<bool, std::string> &act, const apply_fn &json, const apply_fn &kv)
    {
        std::string err;
        if (act.first) {
            std::ifstream in(act.second);
            if (!in) {
                std::fprintf(stderr, "gictlm-platform: cannot read %s\n", act.second.c_str());
                return false;
            }
            std::stringstream ss;
            ss << in.rdbuf();
            if (!json(ss.str(), err)) {
                std::fprintf(stderr, "gictlm-platform: %s: %s\n", act.second.c_str(), err.c_str());
                return false;
            }
        } else if (!kv(act.second, err)) {
            std::fprintf(stderr, "gictlm-platform: %s\n", err.c_str());
            return false;
        }
        return true;
    }

    int argc_;
    char **argv_;
    int i_ = 0;
    std::vector<std::pair<bool, std::string>> actions_; /* (is a --config file, its argument) */
};

} // namespace gictlm
#endif
