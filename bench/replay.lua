-- wrk script (run with -t1): replays pre-signed webhook requests from a file, in order.
-- Each line of the file: signature<TAB>timestamp<TAB>body. Arguments: file, path.
local requests = {}
local index = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local sig, ts, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", args[2], {
      ["content-type"] = "application/json",
      ["telnyx-signature-ed25519"] = sig,
      ["telnyx-timestamp"] = ts,
    }, body)
  end
  file:close()
end

function request()
  index = index % #requests + 1
  return requests[index]
end
