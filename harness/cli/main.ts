console.log("cli ok")
