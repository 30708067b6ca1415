# SPDX-License-Identifier: ISC
# pkcs11-kill.py: gdb's Python for tests/pkcs11-run.sh: runs the program
# gdb was given (a `keyrite rehearse --token ... --keep DIR' that resumes
# itself) again and again, killing it (SIGKILL, as kill -9) at a chosen
# point each time, until a run ends by itself:
#   - at every step boundary: runner_fault_power(inside = 0) is called
#     right after the runner saved its progress at the end of a step;
#   - inside generatekey: once p11_generate_key has returned (the key is
#     on the token; the step has logged no result yet);
#   - inside package, twice: at byok_file_format (the key wrapped, the
#     .byok not yet written, the key still extractable), then on the next
#     run after the key was made non-extractable (the first
#     p11_export_public after byok_file_format).
# Each kill is printed as "KILL <where>", the end as "END <exit status>".
import gdb

gdb.execute("set confirm off")
gdb.execute("set pagination off")
gdb.execute("set breakpoint pending on")

state = {"stop": None, "byok": 0, "gen": 0, "after_byok": False}


class Stop(gdb.Breakpoint):
    def __init__(self, spec, decide):
        super().__init__(spec, internal=True)
        self.decide = decide

    def stop(self):
        where = self.decide()
        if where is None:
            return False
        state["stop"] = where
        return True


def boundary():
    if int(gdb.parse_and_eval("inside")) != 0:
        return None
    return "boundary"


def generate():
    state["gen"] += 1
    return "generatekey" if state["gen"] == 1 else None


def byok():
    state["byok"] += 1
    if state["byok"] == 1:
        return "package-before-reduce"
    state["after_byok"] = True
    return None


def export():
    if state["after_byok"]:
        state["after_byok"] = False
        return "package-after-reduce"
    return None


Stop("runner_fault_power", boundary)
Stop("p11_generate_key", generate)
Stop("byok_file_format", byok)
Stop("p11_export_public", export)

for i in range(200):
    state["stop"] = None
    gdb.execute("run", to_string=False)
    inf = gdb.selected_inferior()
    if inf.pid == 0 or state["stop"] is None:
        code = gdb.parse_and_eval("$_exitcode")
        print("END %s" % code, flush=True)
        break
    if state["stop"] == "generatekey":
        gdb.execute("finish", to_string=True)   # the key is on the token
    print("KILL %s" % state["stop"], flush=True)
    gdb.execute("kill")
